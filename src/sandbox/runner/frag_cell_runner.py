# frag_cell_runner.py: runs one Python file like a notebook cell, inside the sandbox.
#
# Copyright 2026 The Fragment Studio authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: python3 -I frag_cell_runner.py CELL.py
#
# The cell's own stdout and stderr go to fds 1 and 2 unchanged (the backend streams and
# caps them). The rich results travel as one JSON document on fd 3, a pipe that only
# the backend reads, so nothing the cell prints can pass for a result:
#
#   {"results": [{"text"?, "html"?, "markdown"?, "svg"?, "png"?, "jpeg"?, "json"?,
#                 "latex"?, "is_main_result"}], "error": {"name","value","traceback"}|null}
#
# The value of the last expression becomes the main result (text from repr(), plus the
# _repr_*_ forms an object offers, as Jupyter does); every matplotlib figure shown or
# still open at the end becomes a PNG display result (the frag_inline backend).

import ast
import json
import os
import sys
import traceback

RESULT_FD = 3
_display_results = []


def _strip_quotes(text):
    # E2B's code interpreter strips one layer of quotes from text/plain; do the same so
    # both backends give the same result for a string value.
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _rich_result(value, is_main):
    result = {"is_main_result": is_main}
    for key, method in (("html", "_repr_html_"), ("markdown", "_repr_markdown_"),
                        ("svg", "_repr_svg_"), ("latex", "_repr_latex_"),
                        ("json", "_repr_json_")):
        repr_method = getattr(value, method, None)
        if callable(repr_method):
            try:
                data = repr_method()
            except Exception:
                data = None
            if isinstance(data, tuple):  # (data, metadata)
                data = data[0]
            if data is not None and (key == "json" or isinstance(data, str)):
                result[key] = data
    for key, method in (("png", "_repr_png_"), ("jpeg", "_repr_jpeg_")):
        repr_method = getattr(value, method, None)
        if callable(repr_method):
            try:
                data = repr_method()
            except Exception:
                data = None
            if isinstance(data, bytes):
                import base64
                result[key] = base64.b64encode(data).decode("ascii")
    result["text"] = _strip_quotes(repr(value))
    return result


def capture_figures():
    """Turns every open matplotlib figure into a PNG display result and closes it."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    import base64
    import io
    for number in pyplot.get_fignums():
        figure = pyplot.figure(number)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
        _display_results.append({
            "png": base64.b64encode(buffer.getvalue()).decode("ascii"),
            "text": "<Figure size %dx%d with %d Axes>" % (
                figure.get_figwidth() * figure.dpi, figure.get_figheight() * figure.dpi,
                len(figure.axes)),
            "is_main_result": False,
        })
    pyplot.close("all")


def _user_traceback(error):
    # Drop the runner's own frames (and the parser's, for a syntax error): the user sees
    # their cell only.
    if isinstance(error, SyntaxError):
        return "".join(traceback.format_exception_only(type(error), error))
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(error), error, tb))


def _is_figure(value):
    figure_module = sys.modules.get("matplotlib.figure")
    return figure_module is not None and isinstance(value, figure_module.Figure)


def run(path):
    with open(path, encoding="utf-8") as cell:
        source = cell.read()
    namespace = {"__name__": "__main__", "__file__": path, "__builtins__": __builtins__}
    main_result = None
    error = None
    try:
        tree = ast.parse(source, filename=path, mode="exec")
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        exec(compile(tree, path, "exec"), namespace)
        if last is not None:
            value = eval(compile(last, path, "eval"), namespace)
            # A figure as the last value is shown once, as its PNG (below), like Jupyter.
            if value is not None and not _is_figure(value):
                main_result = _rich_result(value, True)
    except SystemExit as exit_error:
        if exit_error.code not in (None, 0):
            error = {"name": "SystemExit", "value": str(exit_error.code),
                     "traceback": _user_traceback(exit_error)}
    except BaseException as exception:  # noqa: B902 - the cell's error is the result
        error = {"name": type(exception).__name__, "value": str(exception),
                 "traceback": _user_traceback(exception)}
    try:
        capture_figures()
    except Exception as exception:
        if error is None:
            error = {"name": type(exception).__name__, "value": str(exception),
                     "traceback": _user_traceback(exception)}
    results = list(_display_results)
    if main_result is not None:
        results.append(main_result)
    return {"results": results, "error": error}


def main():
    # Take the result channel away from fd 3 before the cell runs, so a cell that
    # writes to fd 3 writes to nothing.
    channel = os.fdopen(os.dup(RESULT_FD), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, RESULT_FD)
    os.close(devnull)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.argv = [sys.argv[1]]
    outcome = run(sys.argv[0])
    sys.stdout.flush()
    sys.stderr.flush()
    json.dump(outcome, channel)
    channel.close()


if __name__ == "__main__":
    main()
