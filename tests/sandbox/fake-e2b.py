#!/usr/bin/python3
# fake-e2b.py: a loopback stand-in for E2B, for the sandbox tests and the benchmark.
#
# Copyright 2026 The Fragment Studio authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# One HTTP server on 127.0.0.1 that answers everything the E2B backend talks to
# (shared/specs/e2b-protocol.md):
#   - the control plane (X-API-Key): POST /sandboxes, GET /sandboxes/ID,
#     DELETE /sandboxes/ID, POST /sandboxes/ID/timeout, GET /v2/sandboxes;
#   - sandbox ports, routed by the E2b-Sandbox-Id / E2b-Sandbox-Port headers (the client
#     runs with FRAG_E2B_SANDBOX_URL=http://127.0.0.1:PORT): envd (49983) with
#     process.Process/Start as a Connect server stream and /files; the code
#     interpreter (49999) /execute as NDJSON; any other port is "the app";
#   - /_fake/requests: the log of every request (method, path, selected headers), so
#     tests can check the wire protocol and count requests.
#
# Behaviour is chosen by the template id (the client's e2b_template):
#   "missing" -> 404 template not found     "limit" -> 429 concurrency limit
#   "ratelimit" -> 429 + Retry-After: 7     "boom" -> 500
#   "web-ready": the app answers 200 at once (a server baked into the template)
#   "web-slow":  the app answers 502 "port is not open" 3 times, then 200
#   "base":      nothing listens until a Start runs the start command; then 502 twice,
#                then 200 (the server's first output is "Serving")
#   "web-dies":  the start command prints to stderr and exits 3
# The API key "e2b_bad" gets 401. Code sent to /execute picks its answer:
#   "1/0" -> an error; "# fake: rich" -> a result with every MIME field;
#   "# fake: interrupt" -> the stream ends without end_of_execution;
#   "# fake: flood" -> 5 MiB of stdout;
#   each print('X') -> a stdout chunk "X\n"; every run ends with end_of_execution.
#
# Usage: fake-e2b.py [--latency-ms N]; prints "PORT <n>" on stdout once listening.

import base64
import json
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_KEY = "e2b_0123456789abcdef"
ENVD_PORT = "49983"
INTERPRETER_PORT = "49999"
KNOWN_TEMPLATES = {"code-interpreter-v1", "web-ready", "web-slow", "base", "web-dies",
                   "limit", "ratelimit", "boom"}

lock = threading.Lock()
sandboxes = {}          # id -> dict
requests_log = []
counter = [0]
latency = [0.0]


def new_sandbox(template, metadata, timeout):
    with lock:
        counter[0] += 1
        sandbox_id = "ifake%05d" % counter[0]
        sandboxes[sandbox_id] = {
            "id": sandbox_id, "template": template, "metadata": metadata or {},
            "timeout": timeout, "token": "tok-" + sandbox_id, "files": {},
            "server_started": False, "app_hits": 0, "alive": True,
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        return sandboxes[sandbox_id]


def envelope(payload, flags=0):
    data = json.dumps(payload).encode()
    return bytes([flags]) + len(data).to_bytes(4, "big") + data


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    # ---- plumbing ----

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            return self.rfile.read(length)
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return b""

    def send_json(self, status, payload, headers=None):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def send_text(self, status, text, content_type="text/plain"):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def start_chunked(self, content_type):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_chunks(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def record(self, body):
        keep = ("X-API-Key", "X-Access-Token", "E2b-Sandbox-Id", "E2b-Sandbox-Port",
                "Connect-Timeout-Ms", "Content-Type", "Connect-Protocol-Version",
                "Authorization", "Keepalive-Ping-Interval", "Accept")
        entry = {"method": self.command, "path": self.path,
                 "headers": {k: self.headers[k] for k in keep if self.headers.get(k) is not None}}
        if body and self.path.startswith("/sandboxes") and self.command == "POST":
            try:
                entry["body"] = json.loads(body)
            except ValueError:
                pass
        with lock:
            requests_log.append(entry)

    def dispatch(self):
        body = self.body()
        if self.path == "/_fake/requests":
            with lock:
                return self.send_json(200, requests_log)
        if self.path == "/_fake/reset":
            with lock:
                requests_log.clear()
            return self.send_json(200, {})
        self.record(body)
        if latency[0] > 0:
            time.sleep(latency[0])
        port = self.headers.get("E2b-Sandbox-Port")
        if port is None:
            return self.control_plane(body)
        sandbox = sandboxes.get(self.headers.get("E2b-Sandbox-Id", ""))
        if sandbox is None or not sandbox["alive"]:
            return self.send_json(502, {"sandboxId": self.headers.get("E2b-Sandbox-Id"),
                                        "message": "The sandbox was not found", "code": 502})
        if port == ENVD_PORT:
            return self.envd(sandbox, body)
        if port == INTERPRETER_PORT:
            return self.interpreter(sandbox, body)
        return self.app(sandbox, int(port))

    do_GET = dispatch
    do_POST = dispatch
    do_DELETE = dispatch

    # ---- control plane ----

    def control_plane(self, body):
        if self.headers.get("X-API-Key") != API_KEY:
            return self.send_json(401, {"code": 401, "message": "Invalid API key, please visit https://e2b.dev/docs/api-key"})
        url = urllib.parse.urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        if self.command == "POST" and parts == ["sandboxes"]:
            request = json.loads(body or b"{}")
            template = request.get("templateID")
            if template not in KNOWN_TEMPLATES:
                return self.send_json(404, {"code": 404, "message": "template '%s' not found" % template})
            if template == "limit":
                return self.send_json(429, {"code": 429, "message": "you have reached the maximum number of concurrent E2B sandboxes (20). If you need more, please visit 'https://e2b.dev/docs/billing'"})
            if template == "ratelimit":
                return self.send_json(429, {"code": 429, "message": "Rate limit exceeded"}, {"Retry-After": "7"})
            if template == "boom":
                return self.send_json(500, {"code": 500, "message": "internal error"})
            sandbox = new_sandbox(template, request.get("metadata"), request.get("timeout"))
            response = {"sandboxID": sandbox["id"], "templateID": template, "clientID": "6532622b",
                        "envdVersion": "0.5.7", "domain": None}
            if request.get("secure"):
                response["envdAccessToken"] = sandbox["token"]
            return self.send_json(201, response)
        if parts[:1] == ["sandboxes"] and len(parts) >= 2:
            sandbox = sandboxes.get(parts[1])
            if sandbox is None or not sandbox["alive"]:
                return self.send_json(404, {"code": 404, "message": "Sandbox \"%s\" doesn't exist or you don't have access to it" % parts[1]})
            if self.command == "DELETE" and len(parts) == 2:
                sandbox["alive"] = False
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if self.command == "POST" and parts[2:] == ["timeout"]:
                sandbox["timeout"] = json.loads(body)["timeout"]
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if self.command == "GET" and len(parts) == 2:
                return self.send_json(200, {"sandboxID": sandbox["id"], "templateID": sandbox["template"],
                                            "metadata": sandbox["metadata"], "state": "running"})
        if self.command == "GET" and parts == ["v2", "sandboxes"]:
            query = urllib.parse.parse_qs(url.query)
            wanted = dict(urllib.parse.parse_qsl(query.get("metadata", [""])[0]))
            listed = [{"sandboxID": s["id"], "templateID": s["template"], "metadata": s["metadata"],
                       "startedAt": s["started_at"], "state": "running"}
                      for s in sandboxes.values()
                      if s["alive"] and all(s["metadata"].get(k) == v for k, v in wanted.items())]
            return self.send_json(200, listed)
        return self.send_json(404, {"code": 404, "message": "no route"})

    # ---- envd ----

    def envd_authorized(self, sandbox):
        return self.headers.get("X-Access-Token") == sandbox["token"]

    def envd(self, sandbox, body):
        if not self.envd_authorized(sandbox):
            return self.send_json(401, {"code": 401, "message": "unauthorized access, please provide a valid access token or method signing if supported"})
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/files" and self.command == "POST":
            path = urllib.parse.parse_qs(url.query)["path"][0]
            match = re.search(rb"\r\n\r\n(.*)\r\n--[^\r\n]*--\r\n$", body, re.S)
            sandbox["files"][path] = match.group(1).decode() if match else ""
            return self.send_json(200, [{"path": "/home/user/" + path, "name": path.split("/")[-1], "type": "file"}])
        if url.path == "/process.Process/Start":
            if self.headers.get("Content-Type") != "application/connect+json":
                return self.send_json(415, {"code": 415, "message": "bad content type"})
            length = int.from_bytes(body[1:5], "big")
            request = json.loads(body[5:5 + length])
            return self.process_start(sandbox, request)
        return self.send_json(404, {"code": "not_found", "message": "no such envd route"})

    def process_start(self, sandbox, request):
        command = request["process"]["args"][-1]
        self.start_chunked("application/connect+json")
        self.chunk(envelope({"event": {"start": {"pid": 412}}}))

        def out(stream, text):
            self.chunk(envelope({"event": {"data": {stream: base64.b64encode(text.encode()).decode()}}}))

        if sandbox["template"] == "web-dies":
            out("stdout", "starting\n")
            out("stderr", "Error: boom\n")
            self.chunk(envelope({"event": {"end": {"exitCode": 3, "exited": True, "status": "exit status 3", "error": "exit status 3"}}}))
        elif sandbox["template"] == "base" and "PORT" in request["process"].get("envs", {}):
            sandbox["server_started"] = True
            sandbox["app_hits"] = 0
            out("stderr", "Serving HTTP on 127.0.0.1\n")
            # A long-running server: keepalives until the sandbox dies or the client goes.
            try:
                while sandbox["alive"]:
                    time.sleep(0.2)
                    self.chunk(envelope({"event": {"keepalive": {}}}))
            except OSError:
                return None
            self.chunk(envelope({"event": {"end": {"exitCode": -1, "status": "signal: killed"}}}))
        else:
            match = re.match(r"exit (\d+)$", command)
            if match:
                out("stderr", "failing on purpose\n")
                code = int(match.group(1))
                self.chunk(envelope({"event": {"end": {"exitCode": code, "exited": True, "status": "exit status %d" % code, "error": "exit status %d" % code}}}))
            else:
                out("stdout", "ran: %s\n" % command)
                self.chunk(envelope({"event": {"end": {"exited": True, "status": "exit status 0"}}}))
        self.chunk(envelope({}, flags=2))
        self.end_chunks()
        return None

    # ---- code interpreter ----

    def interpreter(self, sandbox, body):
        if sandbox["template"] != "code-interpreter-v1":
            return self.send_json(502, {"sandboxId": sandbox["id"], "message": "The sandbox is running but port is not open", "port": 49999, "code": 502})
        if self.urlpath() != "/execute":
            return self.send_text(404, "Not Found")
        code = json.loads(body)["code"]
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def line(payload):
            self.chunk((json.dumps(payload) + "\n").encode())

        line({"type": "number_of_executions", "execution_count": 1})
        line({"type": "keepalive"})
        for text in re.findall(r"print\('([^']*)'\)", code):
            line({"type": "stdout", "text": text + "\n", "timestamp": "2026-05-01T10:00:00.123456+00:00"})
        if "# fake: flood" in code:
            chunk = "x" * 65535 + "\n"
            for _ in range(80):  # 5 MiB
                line({"type": "stdout", "text": chunk})
        if "# fake: interrupt" in code:
            self.end_chunks()
            return None
        if "1/0" in code:
            line({"type": "stderr", "text": "warning\n", "timestamp": "2026-05-01T10:00:00.2+00:00"})
            line({"type": "error", "name": "ZeroDivisionError", "value": "division by zero",
                  "traceback": "\u001b[0;31m---\u001b[0m\nZeroDivisionError: division by zero"})
        if "# fake: rich" in code:
            line({"type": "result", "png": "iVBORw0KGgo=", "text": "<Figure>", "is_main_result": False,
                  "chart": {"type": "line"}, "extra": {}})
            line({"type": "result", "text": "42", "html": "<b>42</b>", "markdown": "**42**",
                  "svg": "<svg/>", "jpeg": "/9j/", "latex": "$42$", "json": {"answer": 42},
                  "pdf": "JVBERi0=", "is_main_result": True, "extra": {}})
        self.chunk(b'{"type": "end_of_execution"}\n')
        self.end_chunks()
        return None

    def urlpath(self):
        return urllib.parse.urlsplit(self.path).path

    # ---- the app's port ----

    def app(self, sandbox, port):
        template = sandbox["template"]
        sandbox["app_hits"] += 1
        closed = {"sandboxId": sandbox["id"], "message": "The sandbox is running but port is not open",
                  "port": port, "code": 502}
        if template == "web-ready":
            return self.send_text(200, "<html>ready app</html>", "text/html")
        if template == "web-slow":
            if sandbox["app_hits"] <= 3:
                return self.send_json(502, closed)
            return self.send_text(200, "<html>slow app</html>", "text/html")
        if template == "base":
            if not sandbox["server_started"] or sandbox["app_hits"] <= 2:
                return self.send_json(502, closed)
            page = sandbox["files"].get("index.html", "<html>listing</html>")
            return self.send_text(200, page, "text/html")
        return self.send_json(502, closed)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that hangs up early (the probe after its answer) is not news.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def main():
    if "--latency-ms" in sys.argv:
        latency[0] = int(sys.argv[sys.argv.index("--latency-ms") + 1]) / 1000.0
    server = Server(("127.0.0.1", 0), Handler)
    print("PORT %d" % server.server_address[1], flush=True)

    # Die with the test: it holds our stdin open for as long as it lives.
    def watch_stdin():
        sys.stdin.read()
        import os
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
