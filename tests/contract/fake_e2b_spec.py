"""A strict fake of E2B written from /work/shared/specs/e2b-protocol.md only.

One HTTP server plays every E2B role, routed the way E2B's own edge routes:

* control plane (spec section 1): requests without sandbox routing information;
* sandbox ports (section 2): chosen by the ``E2b-Sandbox-Id`` + ``E2b-Sandbox-Port``
  headers, or by a ``<port>-<sandboxID>.<anything>`` Host header;
  * 49983: envd, Connect-RPC with the JSON codec (section 3) + ``/files`` (section 4);
  * 49999: the code interpreter's ``/execute`` NDJSON stream (section 5);
  * anything else: the user's app, behind the edge's 502 answers (section 6).

Every request is logged (``FakeE2B.log``).  Anything that deviates from the spec is
rejected with a 4xx whose body names the problem, and the problem is also appended to
``FakeE2B.violations`` so a test can assert none happened.

Tests drive behaviour through plain attributes of ``FakeE2B`` (see ``__init__``).
Python stdlib only.
"""

import base64
import json
import re
import struct
import threading
import time
import urllib.parse
from email.parser import BytesParser
from email.policy import HTTP as HTTP_POLICY
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ENVD_PORT = 49983
INTERPRETER_PORT = 49999

CREATE_FIELDS = {
    "templateID", "timeout", "metadata", "envVars", "secure",
    "allow_internet_access", "autoPause", "autoPauseMemory", "autoResume",
    "network", "mcp", "iam", "volumeMounts",
}
# Misspellings a client could plausibly send; named in the 400 so the report is clear.
CREATE_MISSPELLINGS = {
    "template_id": "templateID", "templateId": "templateID", "template": "templateID",
    "env_vars": "envVars", "envs": "envVars", "auto_pause": "autoPause",
    "allowInternetAccess": "allow_internet_access",
}
START_FIELDS = {"process", "stdin", "pty", "tag"}
PROCESS_CONFIG_FIELDS = {"cmd", "args", "envs", "cwd"}
EXECUTE_FIELDS = {"code", "context_id", "language", "env_vars"}
EXECUTE_MISSPELLINGS = {"contextId": "context_id", "envVars": "env_vars"}

SANDBOX_ID_RE = re.compile(r"^i[a-z0-9]+$")
HOST_ROUTE_RE = re.compile(r"^(\d+)-([a-z0-9]+)(?:-[^.]*)?\.")


class Reject(Exception):
    """A spec violation: answered with ``status`` and a body naming the problem."""

    def __init__(self, status, message, content_type="application/json"):
        super().__init__(message)
        self.status = status
        self.message = message
        self.content_type = content_type


def envelope(payload, flags=0):
    data = json.dumps(payload, separators=(",", ":")).encode()
    return struct.pack(">BI", flags, len(data)) + data


class Sandbox:
    def __init__(self, sandbox_id, template, body):
        self.id = sandbox_id
        self.template = template
        self.body = body
        self.files = {}
        self.alive = True
        self.secure = body.get("secure") is True
        self.access_token = "envd-token-" + sandbox_id if self.secure else None
        network = body.get("network") or {}
        self.traffic_token = ("traffic-" + sandbox_id
                              if network.get("allowPublicTraffic") is False else None)
        self.next_pid = 400
        self.app_hits = 0


class FakeE2B:
    def __init__(self, api_key="e2b_0123456789abcdef0123456789abcdef"):
        self.api_key = api_key
        self.lock = threading.Lock()
        self.log = []            # dicts: t, port, route, method, path, headers, body, status
        self.violations = []     # strings
        self.sandboxes = {}
        self.counter = 0
        # --- behaviour knobs (tests set these) ---
        self.templates = {"code-interpreter-v1", "nextjs-developer", "vue-developer",
                          "streamlit-developer", "gradio-developer", "base"}
        self.create_status = None       # e.g. (429, {"code":429,...}, {"Retry-After":"30"})
        self.envd_version = "0.5.7"
        self.domain = None              # "domain" field in the create response
        self.execute_lines = [{"type": "stdout", "text": "hi\n"}]
        self.app_502_count = 0          # 502 "port is not open" answers before the app answers
        self.app_gone = False           # app port answers 502 "The sandbox was not found"
        self.app_body = b"<!doctype html><title>app</title><h1>hello</h1>"
        self.server_dies = None         # (exit_code, stderr_text) for a started long-running server
        self.install_exit = 0           # exit code of a dependency-install command
        self.install_deadline = False   # install stream ends with a deadline_exceeded EOS error
        self.execute_truncated = False  # /execute body ends without end_of_execution
        self.server_cmd_markers = ("next", "nuxi", "streamlit", "gradio", "http.server",
                                   "python3 app.py", "npm run")
        self.httpd = None
        self.extra_servers = []
        self.thread = None
        self.port = None
        self.stop_event = threading.Event()

    # ---------- lifecycle ----------
    def start(self, port=0, host="127.0.0.1"):
        fake = self

        class Handler(_Handler):
            pass
        Handler.fake = fake
        self.httpd = _Server((host, port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def listen_also(self, port, host="127.0.0.1"):
        """Serve the same fake state on another port (E2B_DEBUG's fixed ports, an
        E2B_SANDBOX_URL host).  Raises OSError when the port is taken."""
        fake = self

        class Handler(_Handler):
            pass
        Handler.fake = fake
        httpd = _Server((host, port), Handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        self.extra_servers.append(httpd)
        return httpd.server_address[1]

    def stop(self):
        self.stop_event.set()
        for httpd in [self.httpd] + self.extra_servers:
            if httpd:
                httpd.shutdown()
                httpd.server_close()

    # ---------- helpers for tests ----------
    def violation(self, text):
        with self.lock:
            self.violations.append(text)

    def requests(self, route=None, path_prefix=None):
        with self.lock:
            items = list(self.log)
        return [r for r in items
                if (route is None or r["route"] == route)
                and (path_prefix is None or r["path"].startswith(path_prefix))]

    def new_sandbox(self, template, body):
        with self.lock:
            self.counter += 1
            sandbox_id = "ifake%015d" % self.counter
            sandbox = Sandbox(sandbox_id, template, body)
            self.sandboxes[sandbox_id] = sandbox
            return sandbox


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client closing a kept-alive or streaming connection is normal, not a failure.
        import sys
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake = None

    def log_message(self, fmt, *args):  # quiet; the structured log is in fake.log
        pass

    # ---------- plumbing ----------
    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                line = self.rfile.readline().strip()
                size = int(line.split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _record(self, route, body):
        entry = {
            "t": time.monotonic(), "route": route, "method": self.command,
            "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
            "listen_port": self.server.server_address[1],
            "body": body, "status": None,
        }
        with self.fake.lock:
            self.fake.log.append(entry)
        return entry

    def _send(self, entry, status, body=b"", content_type="application/json", headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        entry["status"] = status
        entry["t_done"] = time.monotonic()
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _reject(self, entry, rej):
        self.fake.violation("%s %s: %s" % (self.command, self.path, rej.message))
        if rej.content_type.startswith("application/json"):
            body = {"code": rej.status, "message": rej.message}
        else:
            body = rej.message
        self._send(entry, rej.status, body, rej.content_type)

    def _begin_stream(self, entry, status, content_type):
        entry["status"] = status
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _chunk(self, data):
        if not data:
            return
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _end_stream(self, entry):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        entry["t_done"] = time.monotonic()

    # ---------- dispatch ----------
    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_PATCH(self):
        self._dispatch()

    def _dispatch(self):
        body = self._read_body()
        sid_header = self.headers.get("E2b-Sandbox-Id")
        port_header = self.headers.get("E2b-Sandbox-Port")
        host = (self.headers.get("Host") or "").lower()
        host_match = HOST_ROUTE_RE.match(host)
        try:
            if sid_header is not None or port_header is not None or host_match:
                route_port, sandbox_id = self._sandbox_route(sid_header, port_header, host_match)
                route = ("envd" if route_port == ENVD_PORT else
                         "interpreter" if route_port == INTERPRETER_PORT else "app")
                entry = self._record(route, body)
                entry["sandbox_id"] = sandbox_id
                entry["sandbox_port"] = route_port
            else:
                entry = self._record("api", body)
        except Reject as rej:
            entry = self._record("edge", body)
            self._reject(entry, rej)
            return
        try:
            if entry["route"] == "api":
                self._control_plane(entry, body)
            else:
                self._sandbox(entry, body)
        except Reject as rej:
            self._reject(entry, rej)
        except (BrokenPipeError, ConnectionResetError):
            entry["client_gone"] = True

    def _sandbox_route(self, sid_header, port_header, host_match):
        # Spec 2.3: half of the routing headers is a 400 "missing header" (plain text).
        if (sid_header is None) != (port_header is None):
            raise Reject(400, "missing header: both E2b-Sandbox-Id and E2b-Sandbox-Port "
                         "are required (got only one)", "text/plain")
        if sid_header is not None:
            if not port_header.isdigit():
                raise Reject(400, "Invalid sandbox port: %r" % port_header, "text/plain")
            if not SANDBOX_ID_RE.match(sid_header):
                raise Reject(400, "Invalid sandbox ID: %r" % sid_header, "text/plain")
            if host_match and (host_match.group(1) != port_header
                               or host_match.group(2) != sid_header):
                raise Reject(400, "Host %r disagrees with E2b-Sandbox-* headers (%s, %s)"
                             % (host_match.group(0), sid_header, port_header), "text/plain")
            return int(port_header), sid_header
        return int(host_match.group(1)), host_match.group(2)

    # ---------- control plane (section 1) ----------
    def _control_plane(self, entry, body):
        path = urllib.parse.urlsplit(self.path).path
        key = self.headers.get("X-API-Key")
        if key is None:
            if self.headers.get("Authorization"):
                raise Reject(401, "Invalid API key, please visit https://e2b.dev/docs/api-key "
                             "(sent Authorization instead of the X-API-Key header)")
            raise Reject(401, "Invalid API key, please visit https://e2b.dev/docs/api-key "
                         "(no X-API-Key header)")
        if key != self.fake.api_key:
            raise Reject(401, "Invalid API key, please visit https://e2b.dev/docs/api-key "
                         "to get your API key")
        m = re.match(r"^/sandboxes/([^/]+)(/[a-z]+)?$", path)
        if path == "/sandboxes" and self.command == "POST":
            return self._create(entry, body)
        if m:
            sandbox = self.fake.sandboxes.get(m.group(1))
            action = m.group(2)
            if not SANDBOX_ID_RE.match(m.group(1)):
                raise Reject(400, "Invalid sandbox ID")
            if sandbox is None or not sandbox.alive:
                self._send(entry, 404, {"code": 404, "message": "Sandbox \"%s\" doesn't exist "
                                        "or you don't have access to it" % m.group(1)})
                return
            if action is None and self.command == "DELETE":
                if body:
                    raise Reject(400, "DELETE /sandboxes/{id} takes no body")
                sandbox.alive = False
                self._send(entry, 204, b"", None)
                return
            if action is None and self.command == "GET":
                self._send(entry, 200, self._sandbox_json(sandbox, detail=True))
                return
            if action in ("/timeout", "/connect", "/refreshes") and self.command == "POST":
                doc = self._json_body(body)
                field = "duration" if action == "/refreshes" else "timeout"
                if set(doc) != {field}:
                    raise Reject(400, "%s body must be {\"%s\": seconds}, got keys %s"
                                 % (action, field, sorted(doc)))
                if not isinstance(doc[field], int) or isinstance(doc[field], bool) or doc[field] <= 0:
                    raise Reject(400, "Timeout must be greater than 0 (integer seconds)")
                if action == "/connect":
                    self._send(entry, 200, self._sandbox_json(sandbox))
                else:
                    self._send(entry, 204, b"", None)
                return
        raise Reject(404, "fake control plane has no route %s %s (if this was meant for a "
                     "sandbox port, the E2b-Sandbox-Id/E2b-Sandbox-Port headers are missing)"
                     % (self.command, path))

    def _json_body(self, body, want_ct="application/json"):
        ct = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ct != want_ct:
            raise Reject(400, "Content-Type must be %s, got %r" % (want_ct,
                                                                  self.headers.get("Content-Type")))
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise Reject(400, "request body is not valid JSON: %s" % exc)
        if not isinstance(doc, dict):
            raise Reject(400, "request body must be a JSON object")
        return doc

    def _create(self, entry, body):
        if self.fake.create_status:
            status, payload, headers = self.fake.create_status
            self._send(entry, status, payload, "application/json", headers)
            return
        doc = self._json_body(body)
        for wrong, right in CREATE_MISSPELLINGS.items():
            if wrong in doc:
                raise Reject(400, "unknown field %r in NewSandbox (did you mean %r?)" % (wrong, right))
        unknown = set(doc) - CREATE_FIELDS
        if unknown:
            raise Reject(400, "unknown NewSandbox fields: %s" % sorted(unknown))
        template = doc.get("templateID")
        if not isinstance(template, str) or not template:
            raise Reject(400, "templateID (string) is required")
        if "timeout" in doc:
            t = doc["timeout"]
            if not isinstance(t, int) or isinstance(t, bool):
                raise Reject(400, "timeout must be an integer number of seconds, got %r" % (t,))
            if t <= 0:
                raise Reject(400, "Timeout must be greater than 0")
            if t > 24 * 3600:
                raise Reject(400, "Timeout cannot be greater than 24 hours")
        for field in ("metadata", "envVars"):
            if field in doc:
                value = doc[field]
                if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                    raise Reject(400, "%s must be an object of string values" % field)
        for field in ("secure", "allow_internet_access", "autoPause", "autoPauseMemory"):
            if field in doc and not isinstance(doc[field], bool):
                raise Reject(400, "%s must be a boolean" % field)
        network = doc.get("network") or {}
        if network.get("allowPublicTraffic") is False and doc.get("secure") is not True:
            raise Reject(400, "allowPublicTraffic=false requires secure=true")
        if template not in self.fake.templates:
            self._send(entry, 404, {"code": 404, "message": "template '%s' not found" % template})
            return
        sandbox = self.fake.new_sandbox(template, doc)
        entry["created"] = sandbox.id
        self._send(entry, 201, self._sandbox_json(sandbox))

    def _sandbox_json(self, sandbox, detail=False):
        doc = {"sandboxID": sandbox.id, "templateID": "tpl" + sandbox.template.replace("-", ""),
               "alias": sandbox.template, "clientID": "6532622b",
               "envdVersion": self.fake.envd_version, "domain": self.fake.domain,
               "trafficAccessToken": sandbox.traffic_token}
        if sandbox.access_token:
            doc["envdAccessToken"] = sandbox.access_token
        if detail:
            doc.update({"startedAt": "2026-01-01T00:00:00Z", "endAt": "2026-01-01T00:10:00Z",
                        "cpuCount": 2, "memoryMB": 512, "diskSizeMB": 1024, "state": "running"})
        return doc

    # ---------- sandbox ports ----------
    def _sandbox(self, entry, body):
        sandbox = self.fake.sandboxes.get(entry["sandbox_id"])
        if sandbox is None or not sandbox.alive:
            self._send(entry, 502, {"sandboxId": entry["sandbox_id"],
                                    "message": "The sandbox was not found", "code": 502},
                       "application/json; charset=utf-8")
            return
        if entry["route"] == "envd":
            return self._envd(entry, body, sandbox)
        if sandbox.traffic_token is not None:
            got = self.headers.get("e2b-traffic-access-token")
            if got != sandbox.traffic_token:
                self.fake.violation("missing/wrong e2b-traffic-access-token on port %d"
                                    % entry["sandbox_port"])
                self._send(entry, 403, {"sandboxId": sandbox.id, "message": "Sandbox is secured "
                                        "with traffic access token. Token header "
                                        "'e2b-traffic-access-token' is missing", "code": 403},
                           "application/json; charset=utf-8")
                return
        if entry["route"] == "interpreter":
            return self._interpreter(entry, body, sandbox)
        return self._app(entry, sandbox)

    # ---------- envd (sections 3 and 4) ----------
    def _check_user(self, allow_missing=True):
        auth = self.headers.get("Authorization")
        if auth is None:
            if not allow_missing or self.fake.envd_version < "0.4.0":
                raise Reject(401, "invalid username: Authorization: Basic base64(\"user:\") "
                             "is required")
            return "user"
        if not auth.startswith("Basic "):
            raise Reject(401, "envd reads the user from HTTP Basic auth, got %r" % auth.split()[0])
        try:
            decoded = base64.b64decode(auth[6:].strip(), validate=True).decode()
        except ValueError:
            raise Reject(401, "Authorization Basic value is not valid base64")
        if ":" not in decoded:
            raise Reject(401, "Basic credentials must be 'user:' (username, empty password)")
        name, password = decoded.split(":", 1)
        if password:
            raise Reject(401, "Basic credentials must have an empty password")
        if name not in ("user", "root"):
            raise Reject(401, "invalid username: '%s'" % name)
        return name

    def _check_access_token(self, sandbox, exempt=False):
        if sandbox.access_token is None or exempt:
            return
        if self.headers.get("X-Access-Token") != sandbox.access_token:
            raise Reject(401, "unauthorized access, please provide a valid access token or "
                         "method signing if supported")

    def _envd(self, entry, body, sandbox):
        split = urllib.parse.urlsplit(self.path)
        path = split.path
        if path == "/health" and self.command == "GET":
            self._send(entry, 204, b"", None)
            return
        if path == "/files":
            return self._files(entry, body, sandbox, urllib.parse.parse_qs(split.query))
        if path in ("/init", "/freeze", "/unfreeze", "/collapse", "/fsfreeze", "/fsthaw"):
            self._send(entry, 404, {"message": "This endpoint is reserved for the E2B control "
                                    "plane", "path": path, "code": 404})
            return
        m = re.match(r"^/(process\.Process|filesystem\.Filesystem)/([A-Za-z]+)$", path)
        if not m:
            raise Reject(404, "envd has no route %s %s" % (self.command, path))
        if self.command != "POST":
            raise Reject(405, "Connect RPCs are POST only")
        self._check_access_token(sandbox)
        if self.headers.get("Connect-Protocol-Version") != "1":
            raise Reject(400, "missing or wrong Connect-Protocol-Version header (must be 1), "
                         "got %r" % self.headers.get("Connect-Protocol-Version"))
        for name in ("Content-Encoding", "Connect-Content-Encoding"):
            value = self.headers.get(name)
            if value is not None and value.lower() != "identity":
                raise Reject(400, "%s must be identity or absent, got %r" % (name, value))
        if "gzip" in (self.headers.get("Connect-Accept-Encoding") or ""):
            self.fake.violation("client advertised gzip in Connect-Accept-Encoding")
        timeout = self.headers.get("Connect-Timeout-Ms")
        if timeout is not None:
            if not timeout.isdigit() or len(timeout) > 10:
                raise Reject(400, "Connect-Timeout-Ms must be a positive integer, got %r" % timeout)
            if int(timeout) == 0:
                raise Reject(400, "Connect-Timeout-Ms: 0 is an already-expired deadline "
                             "(omit the header for no limit)")
        keepalive = self.headers.get("Keepalive-Ping-Interval")
        if keepalive is not None and not keepalive.isdigit():
            self.fake.violation("Keepalive-Ping-Interval is not an integer: %r" % keepalive)
        service, method = m.group(1), m.group(2)
        streaming = (service, method) in (("process.Process", "Start"),
                                          ("process.Process", "Connect"),
                                          ("filesystem.Filesystem", "WatchDir"))
        ct = (self.headers.get("Content-Type") or "").strip().lower()
        if streaming:
            if ct != "application/connect+json":
                raise Reject(415, "server-streaming %s/%s needs Content-Type "
                             "application/connect+json, got %r" % (service, method, ct))
            msg = self._unwrap_envelope(body)
        else:
            if ct.split(";")[0].strip() != "application/json":
                raise Reject(415, "unary %s/%s needs Content-Type application/json, got %r"
                             % (service, method, ct))
            try:
                msg = json.loads(body.decode() or "null")
            except ValueError as exc:
                raise Reject(400, "unary body is not JSON: %s" % exc)
            if not isinstance(msg, dict):
                raise Reject(400, "unary body must be a JSON object (bare message, no envelope)")
        entry["message"] = msg
        if service == "process.Process" and method == "Start":
            self._check_user()
            return self._process_start(entry, msg, sandbox)
        if service == "process.Process":
            return self._process_unary(entry, method, msg, sandbox)
        self._check_user()
        return self._filesystem_unary(entry, method, msg, sandbox)

    def _unwrap_envelope(self, body):
        if len(body) < 5:
            raise Reject(400, "streaming request body must be one Connect envelope "
                         "(5-byte header), got %d bytes" % len(body))
        flags, length = struct.unpack(">BI", body[:5])
        if flags != 0:
            raise Reject(400, "request envelope flags must be 0x00 (no compression, not "
                         "end-of-stream), got 0x%02x" % flags)
        if length != len(body) - 5:
            raise Reject(400, "envelope length %d (big-endian) does not match payload size %d "
                         "(exactly one enveloped message expected)" % (length, len(body) - 5))
        try:
            msg = json.loads(body[5:].decode())
        except ValueError as exc:
            raise Reject(400, "envelope payload is not JSON: %s" % exc)
        if not isinstance(msg, dict):
            raise Reject(400, "envelope payload must be a JSON object")
        return msg

    def _check_process_config(self, config):
        if not isinstance(config, dict):
            raise Reject(400, "process must be a ProcessConfig object")
        unknown = set(config) - PROCESS_CONFIG_FIELDS
        if unknown:
            raise Reject(400, "unknown ProcessConfig fields %s (expected cmd/args/envs/cwd)"
                         % sorted(unknown))
        if not isinstance(config.get("cmd"), str) or not config["cmd"]:
            raise Reject(400, "process.cmd (string) is required")
        args = config.get("args", [])
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            raise Reject(400, "process.args must be an array of strings")
        envs = config.get("envs", {})
        if not isinstance(envs, dict) or not all(isinstance(v, str) for v in envs.values()):
            raise Reject(400, "process.envs must be a map of strings")
        if "cwd" in config and not isinstance(config["cwd"], str):
            raise Reject(400, "process.cwd must be a string")

    def _process_start(self, entry, msg, sandbox):
        unknown = set(msg) - START_FIELDS
        if unknown:
            raise Reject(400, "unknown StartRequest fields %s" % sorted(unknown))
        self._check_process_config(msg.get("process"))
        if "stdin" in msg and not isinstance(msg["stdin"], bool):
            raise Reject(400, "stdin must be a boolean")
        config = msg["process"]
        command = " ".join([config["cmd"]] + config.get("args", []))
        entry["command"] = command
        is_server = any(marker in command for marker in self.fake.server_cmd_markers)
        is_install = any(w in command for w in ("pip install", "npm install", "npm i ", "yarn add"))
        sandbox.next_pid += 1
        pid = sandbox.next_pid
        entry["kind"] = "server" if is_server else "install" if is_install else "command"
        self._begin_stream(entry, 200, "application/connect+json")
        self._chunk(envelope({"event": {"start": {"pid": pid}}}))

        def data(stream, text):
            self._chunk(envelope({"event": {"data": {stream: base64.b64encode(
                text.encode()).decode()}}}))

        def end(code):
            if code == 0:
                event = {"exited": True, "status": "exit status 0"}
            else:
                event = {"exitCode": code, "exited": True, "status": "exit status %d" % code,
                         "error": "exit status %d" % code}
            # Split the end envelope and the end-of-stream across writes, as a proxy may.
            raw = envelope({"event": {"end": event}}) + envelope({}, flags=0x02)
            self._chunk(raw[:3])
            self._chunk(raw[3:])
            self._end_stream(entry)

        if is_server:
            if self.fake.server_dies is not None:
                code, text = self.fake.server_dies
                data("stdout", "starting server\n")
                time.sleep(0.2)
                data("stderr", text)
                end(code)
                return
            data("stdout", "ready - started server on 0.0.0.0\n")
            # A long-running server: keep the stream open until the client goes away, with
            # keepalive events; honour Connect-Timeout-Ms as the process lifetime (spec 3.8).
            deadline_ms = self.headers.get("Connect-Timeout-Ms")
            deadline = (time.monotonic() + int(deadline_ms) / 1000.0) if deadline_ms else None
            entry["long_running"] = True
            while not self.fake.stop_event.is_set():
                if deadline is not None and time.monotonic() >= deadline:
                    entry["killed_by_deadline"] = True
                    self._chunk(envelope({"event": {"end": {"exitCode": -1,
                                                            "status": "signal: killed"}}}))
                    self._chunk(envelope({"error": {"code": "deadline_exceeded",
                                                    "message": "context deadline exceeded"}},
                                         flags=0x02))
                    self._end_stream(entry)
                    return
                time.sleep(0.25)
                self._chunk(envelope({"event": {"keepalive": {}}}))
            return
        if is_install:
            data("stdout", "Collecting packages...\n")
            if self.fake.install_deadline:
                # Killed by Connect-Timeout-Ms: signal end event, then the error in the EOS.
                self._chunk(envelope({"event": {"end": {"exitCode": -1,
                                                        "status": "signal: killed"}}}))
                self._chunk(envelope({"error": {"code": "deadline_exceeded",
                                                "message": "context deadline exceeded"}},
                                     flags=0x02))
                self._end_stream(entry)
                return
            if self.fake.install_exit:
                data("stderr", "ERROR: No matching distribution found\n")
            else:
                data("stdout", "Successfully installed\n")
            end(self.fake.install_exit)
            return
        end(0)

    def _process_unary(self, entry, method, msg, sandbox):
        if method == "SendSignal":
            sel = msg.get("process")
            if not isinstance(sel, dict) or set(sel) - {"pid", "tag"} or len(sel) != 1:
                raise Reject(400, "SendSignal.process must be a ProcessSelector {pid} or {tag}")
            sig = msg.get("signal")
            if sig not in ("SIGNAL_SIGKILL", "SIGNAL_SIGTERM", 9, 15):
                raise Reject(400, "signal must be an enum name like \"SIGNAL_SIGTERM\", got %r"
                             % (sig,))
            self._send(entry, 200, {})
            return
        if method == "List":
            self._send(entry, 200, {})
            return
        if method in ("SendInput", "CloseStdin", "Update"):
            self._send(entry, 200, {})
            return
        raise Reject(404, "unimplemented process.Process/%s in fake" % method)

    def _filesystem_unary(self, entry, method, msg, sandbox):
        path = msg.get("path")
        if method in ("MakeDir", "Stat", "Remove", "ListDir"):
            if not isinstance(path, str) or not path:
                raise Reject(400, "%s needs a path" % method)
            full = path if path.startswith("/") else "/home/user/" + path
            info = {"name": full.rsplit("/", 1)[-1], "type": "FILE_TYPE_DIRECTORY",
                    "path": full, "size": "4096", "mode": 493, "permissions": "drwxr-xr-x",
                    "owner": "user", "group": "user", "modifiedTime": "2026-01-01T00:00:00Z"}
            if method == "Remove" or method == "ListDir":
                self._send(entry, 200, {})
            else:
                self._send(entry, 200, {"entry": info})
            return
        raise Reject(404, "unimplemented filesystem.Filesystem/%s in fake" % method)

    def _files(self, entry, body, sandbox, query):
        for key in query:
            if key not in ("path", "username", "signature", "signature_expiration"):
                raise Reject(400, "unknown /files query parameter %r" % key)
        username = query.get("username", [None])[0]
        if username is not None and username not in ("user", "root"):
            raise Reject(401, "invalid username: '%s'" % username)
        if sandbox.access_token is not None and \
                self.headers.get("X-Access-Token") != sandbox.access_token and \
                "signature" not in query:
            raise Reject(401, "unauthorized access: /files needs X-Access-Token or a signature")
        path = query.get("path", [None])[0]
        if self.command == "GET":
            if not path:
                raise Reject(400, "path is required")
            full = path if path.startswith("/") else "/home/user/" + path
            if full not in sandbox.files:
                self._send(entry, 404, {"code": 404, "message": "path '%s' does not exist" % path},
                           "application/json; charset=utf-8")
                return
            self._send(entry, 200, sandbox.files[full], "application/octet-stream")
            return
        if self.command != "POST":
            raise Reject(405, "/files is GET or POST")
        ct = self.headers.get("Content-Type") or ""
        uploads = []
        if ct.split(";")[0].strip().lower() == "multipart/form-data":
            if "boundary=" not in ct:
                raise Reject(400, "multipart/form-data without a boundary")
            message = BytesParser(policy=HTTP_POLICY).parsebytes(
                b"Content-Type: " + ct.encode() + b"\r\n\r\n" + body)
            if not message.is_multipart():
                raise Reject(400, "body is not a valid multipart/form-data document")
            for part in message.iter_parts():
                disposition = part.get("Content-Disposition", "")
                params = dict(part.get_params(header="content-disposition") or [])
                if not disposition.lower().startswith("form-data"):
                    raise Reject(400, "multipart part without Content-Disposition: form-data")
                if params.get("name") != "file":
                    self.fake.violation("multipart part with field name %r skipped (must be "
                                        "'file')" % params.get("name"))
                    continue
                dest = path or params.get("filename")
                if not dest:
                    raise Reject(400, "no path query and no part filename")
                uploads.append((dest, part.get_payload(decode=True) or b""))
            if not uploads:
                raise Reject(400, "no multipart part named 'file' (parts with other names are "
                             "skipped by envd)")
        elif ct.split(";")[0].strip().lower() == "application/octet-stream":
            if not path:
                raise Reject(400, "application/octet-stream upload needs the path query")
            uploads.append((path, body))
        else:
            raise Reject(400, "upload Content-Type must be multipart/form-data or "
                         "application/octet-stream, got %r" % ct)
        result = []
        seen = set()
        for dest, data in uploads:
            full = dest if dest.startswith("/") else "/home/user/" + dest
            if full in seen:
                raise Reject(400, "two parts for the same path %s" % full)
            seen.add(full)
            sandbox.files[full] = data
            result.append({"path": full, "name": full.rsplit("/", 1)[-1], "type": "file"})
        entry["uploaded"] = {d: v for d, v in uploads}
        self._send(entry, 200, result)

    # ---------- code interpreter (section 5) ----------
    def _interpreter(self, entry, body, sandbox):
        path = urllib.parse.urlsplit(self.path).path
        if path == "/health" and self.command == "GET":
            self._send(entry, 200, "\"OK\"")
            return
        if path != "/execute" or self.command != "POST":
            raise Reject(404, "code interpreter has no route %s %s" % (self.command, path),
                         "text/plain")
        if sandbox.template != "code-interpreter-v1":
            self._send(entry, 502, {"sandboxId": sandbox.id, "message": "The sandbox is running "
                                    "but port is not open", "port": INTERPRETER_PORT, "code": 502},
                       "application/json; charset=utf-8")
            return
        doc = self._json_body(body)
        for wrong, right in EXECUTE_MISSPELLINGS.items():
            if wrong in doc:
                raise Reject(400, "unknown field %r in ExecutionRequest (it is %r: snake_case "
                             "here)" % (wrong, right))
        unknown = set(doc) - EXECUTE_FIELDS
        if unknown:
            raise Reject(422, "unknown ExecutionRequest fields %s" % sorted(unknown))
        if not isinstance(doc.get("code"), str):
            raise Reject(422, "code (string) is required")
        if "context_id" in doc and "language" in doc:
            raise Reject(400, "Only one of context_id or language can be provided", "text/plain")
        if "env_vars" in doc and (not isinstance(doc["env_vars"], dict) or not all(
                isinstance(v, str) for v in doc["env_vars"].values())):
            raise Reject(422, "env_vars must be an object of strings")
        entry["code"] = doc["code"]
        # No Content-Type: the real server sets none (spec 5.2).
        self._begin_stream(entry, 200, None)
        lines = ([{"type": "number_of_executions", "execution_count": 1}]
                 + list(self.fake.execute_lines)
                 + [{"type": "keepalive"}, {"type": "some_future_type", "x": 1}])
        raw = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
        if not self.fake.execute_truncated:
            raw += b'{"type": "end_of_execution"}\n'
        # Write in odd-sized pieces so lines are split across and merged within chunks.
        step = 37
        for i in range(0, len(raw), step):
            self._chunk(raw[i:i + step])
        self._end_stream(entry)

    # ---------- the user's app (section 6.2) ----------
    def _app(self, entry, sandbox):
        port = entry["sandbox_port"]
        if self.fake.app_gone:
            self._send(entry, 502, {"sandboxId": sandbox.id,
                                    "message": "The sandbox was not found", "code": 502},
                       "application/json; charset=utf-8")
            return
        with self.fake.lock:
            sandbox.app_hits += 1
            hits = sandbox.app_hits
        server_dead = self.fake.server_dies is not None
        if server_dead or hits <= self.fake.app_502_count:
            entry["port_closed"] = True
            self._send(entry, 502, {"sandboxId": sandbox.id, "message": "The sandbox is running "
                                    "but port is not open", "port": port, "code": 502},
                       "application/json; charset=utf-8")
            return
        entry["app_ready"] = True
        self._send(entry, 200, self.fake.app_body, "text/html; charset=utf-8")
