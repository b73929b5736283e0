# frag_inline.py: a matplotlib backend for the sandbox's notebook-cell runner.
#
# Copyright 2026 The Fragment Studio authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Selected with MPLBACKEND=module://frag_inline. It renders with Agg; plt.show() hands
# the open figures to the runner as PNG display results (as Jupyter's inline backend
# does) instead of warning that Agg cannot show anything.

import sys

from matplotlib.backend_bases import _Backend
from matplotlib.backends.backend_agg import _BackendAgg


@_Backend.export
class _BackendFragInline(_BackendAgg):
    @staticmethod
    def show(*args, **kwargs):
        runner = sys.modules.get("__main__")
        capture = getattr(runner, "capture_figures", None)
        if capture is not None:
            capture()
