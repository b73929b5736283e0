"""Contract tests: the built `frag run` against a fake E2B written from the spec.

The fake (fake_e2b_spec.py) was written from /work/shared/specs/e2b-protocol.md and
/work/shared/DESIGN.md only, independently of src/sandbox and of tests/sandbox/fake-e2b.py,
so that shared misreadings of the wire format show up here.

Run by meson (suite 'contract'); FRAG_BUILD_ROOT names the build dir.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_e2b_spec import FakeE2B, ENVD_PORT, INTERPRETER_PORT  # noqa: E402

BUILD_ROOT = os.environ.get("FRAG_BUILD_ROOT") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "build")
FRAG = os.path.join(BUILD_ROOT, "src", "cli", "frag")
API_KEY = "e2b_0123456789abcdef0123456789abcdef"

RESULT_KEYS = {"template", "sandbox_id", "backend", "stdout", "stderr", "error", "results",
               "url", "exit_code"}
RESULT_ITEM_KEYS = {"text", "html", "markdown", "svg", "png", "jpeg", "json", "latex",
                    "is_main_result"}
PNG_B64 = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJ"
           "RU5ErkJggg==")


def fragment(template, code, file_path, port=None, **extra):
    doc = {"commentary": "c", "template": template, "title": "t", "description": "d",
           "additional_dependencies": [], "has_additional_dependencies": False,
           "install_dependencies_command": "", "port": port, "file_path": file_path,
           "code": code}
    doc.update(extra)
    return doc


class FragRunBase(unittest.TestCase):
    """Common environment: throw-away XDG dirs, no D-Bus, no proxies."""

    def setUp(self):
        if not os.access(FRAG, os.X_OK):
            self.fail("frag not built at %s" % FRAG)
        self.tmp = tempfile.mkdtemp(prefix="frag-e2b-contract-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("E2B_", "FRAG_E2B", "XDG_", "DBUS_"))
               and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME",
                     "XDG_RUNTIME_DIR"):
            path = os.path.join(self.tmp, name.lower())
            os.makedirs(path, mode=0o700)
            env[name] = path
        env["HOME"] = os.path.join(self.tmp, "home")
        os.makedirs(env["HOME"])
        env["GIO_USE_PROXY_RESOLVER"] = "dummy"
        env["GSETTINGS_BACKEND"] = "memory"
        self.env = env

    def write_fragment(self, doc):
        path = os.path.join(self.tmp, "fragment.json")
        with open(path, "w") as f:
            json.dump(doc, f)
        return path

    def run_frag(self, args, timeout=60):
        started = time.monotonic()
        proc = subprocess.run([FRAG] + args, env=self.env, capture_output=True, timeout=timeout)
        elapsed = time.monotonic() - started
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode(), elapsed

    def assert_result_shape(self, result):
        self.assertEqual(set(result), RESULT_KEYS, "result JSON keys differ from DESIGN.md")
        self.assertIsInstance(result["stdout"], list)
        self.assertIsInstance(result["stderr"], list)
        for chunk in result["stdout"] + result["stderr"]:
            self.assertIsInstance(chunk, str)
        self.assertIsInstance(result["results"], list)
        for item in result["results"]:
            self.assertTrue(set(item) <= RESULT_ITEM_KEYS,
                            "result item has keys outside DESIGN.md: %s"
                            % sorted(set(item) - RESULT_ITEM_KEYS))
            self.assertIsInstance(item.get("is_main_result"), bool)
        if result["error"] is not None:
            self.assertEqual(set(result["error"]), {"name", "value", "traceback"})
        self.assertTrue(result["url"] is None or isinstance(result["url"], str))
        self.assertTrue(result["exit_code"] is None or isinstance(result["exit_code"], int))

    def last_line(self, text):
        lines = [line for line in text.splitlines() if line.strip()]
        return lines[-1] if lines else ""


class E2BContractBase(FragRunBase):
    def setUp(self):
        super().setUp()
        self.fake = FakeE2B(API_KEY).start()
        self.addCleanup(self.fake.stop)
        self.base = "http://127.0.0.1:%d" % self.fake.port
        self.env.update({"E2B_API_KEY": API_KEY, "E2B_API_URL": self.base,
                         "FRAG_E2B_SANDBOX_URL": self.base})

    def run_e2b(self, doc, timeout=90):
        return self.run_frag(["run", "--backend", "e2b", self.write_fragment(doc)], timeout)

    def dump_log(self):
        out = []
        for r in self.fake.log:
            out.append("%-11s %-6s %-40s -> %s %s" % (r["route"], r["method"], r["path"][:40],
                                                      r["status"], r.get("command", "")))
        return "\n".join(out)

    def assert_no_violations(self):
        self.assertEqual(self.fake.violations, [], "spec violations seen by the fake:\n"
                         + "\n".join(self.fake.violations) + "\nlog:\n" + self.dump_log())

    def assert_key_not_leaked(self, *texts):
        for text in texts:
            self.assertNotIn(API_KEY, text)
            self.assertNotIn(API_KEY[4:], text)

    def assert_common_sandbox_traffic(self, template):
        creates = [r for r in self.fake.requests("api", "/sandboxes")
                   if r["method"] == "POST" and r["path"] == "/sandboxes"]
        self.assertEqual(len(creates), 1, self.dump_log())
        create = creates[0]
        self.assertEqual(create["headers"].get("x-api-key"), API_KEY)
        body = json.loads(create["body"])
        self.assertEqual(body["templateID"], template)
        # Spec 1.4: the server default lifetime is 15 s; a client must send its own.
        self.assertIn("timeout", body, "no timeout: E2B would kill the sandbox after 15 s")
        self.assertGreaterEqual(body["timeout"], 60)
        sandbox_id = create["created"]
        for r in self.fake.log:
            if r["route"] in ("envd", "interpreter", "app"):
                self.assertEqual(r["sandbox_id"], sandbox_id)
                self.assertEqual(r["headers"].get("e2b-sandbox-id"), sandbox_id,
                                 "DESIGN: every sandbox request carries E2b-Sandbox-Id")
                self.assertEqual(r["headers"].get("e2b-sandbox-port"), str(r["sandbox_port"]))
                self.assertNotIn("x-api-key", r["headers"],
                                 "the team API key must not be sent to sandbox ports")
        return sandbox_id


class CodeInterpreterE2B(E2BContractBase):
    CODE = "import sys\nprint('hello')\nprint('warn', file=sys.stderr)\n1 + 1\n"

    def test_rich_output(self):
        self.fake.execute_lines = [
            {"type": "stdout", "text": "hello\n", "timestamp": "2026-05-01T10:00:00.123456+00:00"},
            {"type": "stderr", "text": "warn\n", "timestamp": "2026-05-01T10:00:00.2+00:00"},
            {"type": "stdout", "text": "wörld ✓\n", "timestamp": "2026-05-01T10:00:00.3+00:00"},
            {"type": "result", "png": PNG_B64, "text": "<Figure size 640x480 with 1 Axes>",
             "chart": {"type": "line", "title": "t", "elements": []}, "extra": {},
             "is_main_result": False},
            {"type": "result", "text": "2", "html": "<b>2</b>", "json": {"a": 1},
             "extra": {"application/x-custom": "x"}, "is_main_result": True},
        ]
        doc = fragment("code-interpreter-v1", self.CODE, "script.py")
        status, out, err, _ = self.run_e2b(doc)
        self.assertEqual(status, 0, err + "\n" + self.dump_log())
        result = json.loads(out)
        self.assert_result_shape(result)
        sandbox_id = self.assert_common_sandbox_traffic("code-interpreter-v1")
        self.assertEqual(result["template"], "code-interpreter-v1")
        self.assertEqual(result["backend"], "e2b")
        self.assertEqual(result["sandbox_id"], sandbox_id)
        self.assertEqual("".join(result["stdout"]), "hello\nwörld ✓\n")
        self.assertEqual("".join(result["stderr"]), "warn\n")
        self.assertIsNone(result["error"])
        self.assertIsNone(result["url"])
        self.assertEqual(len(result["results"]), 2, result["results"])
        figure, main = result["results"]
        self.assertEqual(figure["png"], PNG_B64)
        self.assertFalse(figure["is_main_result"])
        self.assertEqual(main["text"], "2")
        self.assertEqual(main["html"], "<b>2</b>")
        self.assertEqual(main["json"], {"a": 1})
        self.assertTrue(main["is_main_result"])
        executes = self.fake.requests("interpreter", "/execute")
        self.assertEqual(len(executes), 1, self.dump_log())
        self.assertEqual(executes[0]["code"], self.CODE)
        self.assert_no_violations()
        self.assert_key_not_leaked(out, err)

    def test_runtime_error(self):
        traceback = ("\x1b[0;31m---------------------------------------------------------------"
                     "\x1b[0m\n\x1b[0;31mNameError\x1b[0m: name 'x' is not defined")
        self.fake.execute_lines = [
            {"type": "stdout", "text": "before\n"},
            {"type": "error", "name": "NameError", "value": "name 'x' is not defined",
             "traceback": traceback},
        ]
        doc = fragment("code-interpreter-v1", "print('before')\nx\n", "script.py")
        status, out, err, _ = self.run_e2b(doc)
        self.assertEqual(status, 7, err + "\n" + self.dump_log())
        self.assertEqual(self.last_line(err), "frag: NameError: name 'x' is not defined")
        if out.strip():
            result = json.loads(out)
            self.assert_result_shape(result)
            self.assertEqual(result["error"], {"name": "NameError",
                                               "value": "name 'x' is not defined",
                                               "traceback": traceback})
            self.assertEqual("".join(result["stdout"]), "before\n")
        self.assert_no_violations()

    def test_dependencies_are_installed_with_start(self):
        self.fake.execute_lines = [{"type": "stdout", "text": "ok\n"}]
        doc = fragment("code-interpreter-v1", "import left_pad\nprint('ok')\n", "script.py",
                       additional_dependencies=["left-pad"], has_additional_dependencies=True,
                       install_dependencies_command="pip install left-pad")
        status, out, err, _ = self.run_e2b(doc)
        self.assertEqual(status, 0, err + "\n" + self.dump_log())
        starts = self.fake.requests("envd", "/process.Process/Start")
        installs = [r for r in starts if "pip install left-pad" in r.get("command", "")]
        self.assertEqual(len(installs), 1, self.dump_log())
        install = installs[0]
        self.assertEqual(install["headers"].get("content-type"), "application/connect+json")
        self.assertEqual(install["headers"].get("connect-protocol-version"), "1")
        # Install must come before the code runs.
        execute = self.fake.requests("interpreter", "/execute")[0]
        self.assertLess(install["t"], execute["t"])
        self.assert_no_violations()

    def test_failed_install_is_a_sandbox_error(self):
        self.fake.install_exit = 1
        doc = fragment("code-interpreter-v1", "print('ok')\n", "script.py",
                       additional_dependencies=["nope"], has_additional_dependencies=True,
                       install_dependencies_command="pip install nope")
        status, out, err, _ = self.run_e2b(doc)
        self.assertEqual(status, 7, err + "\n" + self.dump_log())
        self.assertEqual(self.fake.requests("interpreter", "/execute"), [],
                         "code ran although the install failed")
        self.assert_no_violations()


    def test_install_killed_by_deadline(self):
        self.fake.install_deadline = True
        doc = fragment("code-interpreter-v1", "print('ok')\n", "script.py",
                       additional_dependencies=["slow"], has_additional_dependencies=True,
                       install_dependencies_command="pip install slow")
        status, out, err, _ = self.run_e2b(doc)
        self.assertEqual(status, 7, err + "\n" + self.dump_log())
        self.assertEqual(self.fake.requests("interpreter", "/execute"), [])

    def test_stream_without_end_of_execution_is_interrupted(self):
        # Spec 5.2: a body that ends without end_of_execution means "execution interrupted".
        self.fake.execute_lines = [{"type": "stdout", "text": "partial\n"}]
        self.fake.execute_truncated = True
        status, out, err, _ = self.run_e2b(fragment("code-interpreter-v1", "print(1)\n",
                                                    "script.py"))
        self.assertNotEqual(status, 0, "an interrupted execution reported as success:\n" + out)
        self.assertIn(status, (5, 7), err)

    def test_interpreter_port_closed(self):
        # Spec 5.5: 502 "port is not open" on 49999 = no code interpreter in that sandbox.
        self.fake.templates.add("custom-python")
        self.fake.execute_lines = []
        doc = fragment("code-interpreter-v1", "print(1)\n", "script.py")
        # Make every sandbox look like a non-interpreter template on port 49999.
        orig = self.fake.new_sandbox

        def new_sandbox(template, body):
            sandbox = orig(template, body)
            sandbox.template = "custom-python"
            return sandbox
        self.fake.new_sandbox = new_sandbox
        status, out, err, elapsed = self.run_e2b(doc)
        self.assertEqual(status, 7, err + "\n" + self.dump_log())
        self.assertLess(elapsed, 30)


class WebE2B(E2BContractBase):
    CODE = "export default function Home() { return <h1>hi</h1> }\n"

    def web_fragment(self):
        return fragment("nextjs-developer", self.CODE, "pages/index.tsx", port=3000)

    def test_url_only_after_port_answers(self):
        self.fake.app_502_count = 4
        proc = subprocess.Popen([FRAG, "run", "--backend", "e2b",
                                 self.write_fragment(self.web_fragment())],
                                env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            self.fail("frag did not finish: %s\n%s" % (err.decode(), self.dump_log()))
        t_output = time.monotonic()
        out, err = out.decode(), err.decode()
        self.assertEqual(proc.returncode, 0, err + "\n" + self.dump_log())
        result = json.loads(out)
        self.assert_result_shape(result)
        sandbox_id = self.assert_common_sandbox_traffic("nextjs-developer")
        self.assertEqual(result["backend"], "e2b")
        self.assertEqual(result["sandbox_id"], sandbox_id)
        self.assertIsInstance(result["url"], str)
        self.assertTrue(result["url"].startswith(self.base), result["url"])
        # The file went to the spec's path through /files.
        uploads = [r for r in self.fake.requests("envd", "/files") if r["method"] == "POST"]
        self.assertTrue(uploads, self.dump_log())
        written = {}
        for r in uploads:
            written.update(r.get("uploaded", {}))
        self.assertIn(self.CODE.encode(), [v for k, v in written.items()
                                           if k.endswith("pages/index.tsx")])
        # Request log: every probe before the first 200 got a 502, the url came after it.
        app = self.fake.requests("app")
        statuses = [r["status"] for r in app]
        self.assertIn(200, statuses, self.dump_log())
        first_ok = statuses.index(200)
        self.assertEqual(statuses[:first_ok], [502] * 4, self.dump_log())
        self.assertTrue(all(r["headers"].get("e2b-sandbox-port") == "3000" for r in app))
        self.assertLess(app[first_ok]["t_done"], t_output)
        # Nothing "ready" (no 2xx/3xx) was seen by the fake before the 200.
        for r in app[:first_ok]:
            self.assertTrue(r.get("port_closed"))
        # A long-running server, if started through envd, must not carry a deadline (spec 3.8).
        for r in self.fake.requests("envd", "/process.Process/Start"):
            if r.get("kind") == "server":
                self.assertNotIn("connect-timeout-ms", r["headers"],
                                 "Connect-Timeout-Ms on a server Start kills it (spec 3.8)")
                self.assertFalse(r.get("killed_by_deadline"))
        self.assert_no_violations()
        self.assert_key_not_leaked(out, err)

    def test_snapshot_server_already_listening(self):
        # Spec 6.1/7b: web templates are restored with their dev server running; starting a
        # second one on the same port would fail, so a ready port must not get a Start.
        self.fake.app_502_count = 0
        status, out, err, _ = self.run_e2b(self.web_fragment())
        self.assertEqual(status, 0, err + "\n" + self.dump_log())
        self.assertIsNotNone(json.loads(out)["url"])
        servers = [r for r in self.fake.requests("envd", "/process.Process/Start")
                   if r.get("kind") == "server"]
        self.assertEqual(servers, [], self.dump_log())
        self.assert_no_violations()

    def test_server_process_dies(self):
        self.fake.server_dies = (1, "Error: Cannot find module 'next-broken'\n")
        status, out, err, elapsed = self.run_e2b(self.web_fragment())
        starts = [r for r in self.fake.requests("envd", "/process.Process/Start")
                  if r.get("kind") == "server"]
        if not starts:
            self.skipTest("frag relies on the template's snapshot server (no Start): "
                          "a dying server cannot be observed through envd")
        self.assertEqual(status, 7, err + "\n" + self.dump_log())
        self.assertIn("Cannot find module 'next-broken'", err)
        self.assertLess(elapsed, 30, "a dead server must not wait for the probe deadline")
        self.assert_no_violations()

    def test_sandbox_gone_while_probing(self):
        self.fake.app_gone = True
        status, out, err, elapsed = self.run_e2b(self.web_fragment())
        self.assertEqual(status, 7, err + "\n" + self.dump_log())
        last = self.last_line(err).lower()
        self.assertTrue("not found" in last or "gone" in last, last)
        self.assertLess(elapsed, 30, "'sandbox was not found' must stop the probe (spec 6.3)")


class ControlPlaneErrors(E2BContractBase):
    def interp(self):
        return fragment("code-interpreter-v1", "print(1)\n", "script.py")

    def test_bad_key_is_auth_error(self):
        self.env["E2B_API_KEY"] = "e2b_ffffffffffffffffffffffffffffffff"
        status, out, err, _ = self.run_e2b(self.interp())
        self.assertEqual(status, 3, err)
        self.assertIn("Invalid API key", self.last_line(err))
        self.assertTrue(self.last_line(err).startswith("frag: "), err)
        self.assertNotIn("ffffffffffffffffffffffffffffffff", out + err)

    def test_unknown_template(self):
        doc = fragment("no-such-template", "x", "a.txt")
        self.fake.templates.discard("no-such-template")
        status, out, err, _ = self.run_e2b(doc)
        # frag may refuse an unknown template before any request (6 or 7) or send it and map
        # E2B's 404 to a sandbox error (7).
        self.assertIn(status, (6, 7), err)

    def test_unknown_e2b_template_404(self):
        self.fake.templates.discard("code-interpreter-v1")
        status, out, err, _ = self.run_e2b(self.interp())
        self.assertEqual(status, 7, err + "\n" + self.dump_log())
        self.assertIn("template 'code-interpreter-v1' not found", self.last_line(err))

    def test_rate_limited_quickly(self):
        self.fake.create_status = (429, {"code": 429, "message": "Rate limit exceeded"},
                                   {"Retry-After": "60"})
        status, out, err, elapsed = self.run_e2b(self.interp())
        self.assertEqual(status, 4, err)
        self.assertIn("Rate limit exceeded", self.last_line(err))
        self.assertLess(elapsed, 15, "frag must not sleep through a long Retry-After")
        self.assert_key_not_leaked(out, err)

    def test_concurrency_limit_429(self):
        self.fake.create_status = (429, {"code": 429, "message": "you have reached the maximum "
                                         "number of concurrent E2B sandboxes (20). If you need "
                                         "more, please visit 'https://e2b.dev/docs/billing'"}, {})
        status, out, err, elapsed = self.run_e2b(self.interp())
        self.assertEqual(status, 4, err)
        self.assertIn("maximum number of concurrent E2B sandboxes", self.last_line(err))

    def test_server_error(self):
        for code in (500, 503):
            with self.subTest(code=code):
                self.fake.create_status = (code, {"code": code, "message": "backend exploded"}, {})
                status, out, err, elapsed = self.run_e2b(self.interp())
                self.assertEqual(status, 5, err)
                self.assertIn("backend exploded", self.last_line(err))
                self.assertLess(elapsed, 60)

    def test_error_with_empty_body(self):
        self.fake.create_status = (503, b"", {})
        status, out, err, _ = self.run_e2b(self.interp())
        self.assertEqual(status, 5, err)
        self.assertTrue(self.last_line(err).startswith("frag: "), err)

    def test_connection_refused_is_network_error(self):
        self.env["E2B_API_URL"] = "http://127.0.0.1:1"
        status, out, err, _ = self.run_e2b(self.interp())
        self.assertEqual(status, 5, err)

    def test_missing_key_is_auth_error(self):
        del self.env["E2B_API_KEY"]
        status, out, err, _ = self.run_e2b(self.interp())
        self.assertEqual(status, 3, err)
        self.assertEqual(self.fake.requests("api"), [], "no request without a key")


class SecureSandboxE2B(E2BContractBase):
    """If frag asks for secure:true it must send X-Access-Token to envd (spec 3.2)."""

    def test_access_token_when_secure(self):
        self.fake.execute_lines = [{"type": "stdout", "text": "ok\n"}]
        doc = fragment("code-interpreter-v1", "print('ok')\n", "script.py",
                       has_additional_dependencies=True, additional_dependencies=["x"],
                       install_dependencies_command="pip install x")
        status, out, err, _ = self.run_e2b(doc)
        self.assertEqual(status, 0, err + "\n" + self.dump_log())
        create = json.loads(self.fake.requests("api", "/sandboxes")[0]["body"])
        if create.get("secure") is True:
            for r in self.fake.requests("envd"):
                if r["path"] != "/health":
                    self.assertIn("x-access-token", r["headers"], r["path"])
        self.assert_no_violations()


class TemplatedSandboxUrl(E2BContractBase):
    """FRAG_E2B_SANDBOX_URL with {port}/{sandbox_id}/{domain}: host-routed like E2B's edge."""

    def test_host_routed_web(self):
        self.fake.domain = "localhost"
        self.fake.app_502_count = 1
        self.env["FRAG_E2B_SANDBOX_URL"] = "http://{port}-{sandbox_id}.{domain}:%d" % self.fake.port
        doc = fragment("nextjs-developer", "export default () => null\n", "pages/index.tsx",
                       port=3000)
        status, out, err, _ = self.run_e2b(doc)
        if status != 0 and "resolv" in err.lower():
            self.skipTest("*.localhost does not resolve here: " + err)
        self.assertEqual(status, 0, err + "\n" + self.dump_log())
        result = json.loads(out)
        sandbox_id = result["sandbox_id"]
        self.assertEqual(result["url"], "http://3000-%s.localhost:%d" % (sandbox_id,
                                                                         self.fake.port))
        for r in self.fake.log:
            if r["route"] in ("envd", "app"):
                self.assertTrue(r["headers"]["host"].startswith(
                    "%d-%s." % (r["sandbox_port"], sandbox_id)), r["headers"]["host"])
        self.assert_no_violations()


class E2BEnvironment(E2BContractBase):
    """E2B_SANDBOX_URL and E2B_DEBUG with the meanings of spec 1.1."""

    def test_e2b_sandbox_url_overrides_envd_only(self):
        envd_port = self.fake.listen_also(0)
        self.env["E2B_SANDBOX_URL"] = "http://127.0.0.1:%d" % envd_port
        self.fake.execute_lines = [{"type": "stdout", "text": "ok\n"}]
        doc = fragment("code-interpreter-v1", "print('ok')\n", "script.py")
        status, out, err, _ = self.run_e2b(doc)
        self.assertEqual(status, 0, err + "\n" + self.dump_log())
        envd = self.fake.requests("envd")
        self.assertTrue(envd, self.dump_log())
        for r in envd:
            self.assertEqual(r["listen_port"], envd_port, "envd request not sent to E2B_SANDBOX_URL")
        for r in self.fake.requests("interpreter") + self.fake.requests("api"):
            self.assertEqual(r["listen_port"], self.fake.port)
        self.assert_no_violations()

    def test_e2b_debug_uses_localhost_ports(self):
        for name in ("E2B_API_URL", "FRAG_E2B_SANDBOX_URL"):
            del self.env[name]
        self.env["E2B_DEBUG"] = "true"
        try:
            for port in (3000, ENVD_PORT, INTERPRETER_PORT):
                self.fake.listen_also(port)
        except OSError as exc:
            self.skipTest("a fixed E2B_DEBUG port is taken here: %s" % exc)
        self.fake.execute_lines = [{"type": "stdout", "text": "debug\n"}]
        doc = fragment("code-interpreter-v1", "print('debug')\n", "script.py")
        status, out, err, _ = self.run_e2b(doc)
        self.assertEqual(status, 0, err + "\n" + self.dump_log())
        self.assertEqual("".join(json.loads(out)["stdout"]), "debug\n")
        for r in self.fake.log:
            expected = {"api": 3000, "envd": ENVD_PORT, "interpreter": INTERPRETER_PORT}[r["route"]]
            self.assertEqual(r["listen_port"], expected, "%s %s" % (r["route"], r["path"]))
        self.assert_no_violations()


class LocalBackend(FragRunBase):
    def setUp(self):
        super().setUp()
        if shutil.which("bwrap") is None:
            self.skipTest("bubblewrap not installed")

    def test_interpreter(self):
        doc = fragment("code-interpreter-v1", "import sys\nprint('hi')\n"
                       "print('oops', file=sys.stderr)\n6 * 7\n", "script.py")
        status, out, err, _ = self.run_frag(["run", self.write_fragment(doc)])
        self.assertEqual(status, 0, err)
        result = json.loads(out)
        self.assert_result_shape(result)
        self.assertEqual(result["backend"], "local")
        self.assertEqual(result["template"], "code-interpreter-v1")
        self.assertEqual("".join(result["stdout"]), "hi\n")
        self.assertEqual("".join(result["stderr"]), "oops\n")
        self.assertIsNone(result["error"])
        mains = [r for r in result["results"] if r["is_main_result"]]
        self.assertEqual(len(mains), 1, result["results"])
        self.assertEqual(mains[0]["text"], "42")

    def test_interpreter_error(self):
        doc = fragment("code-interpreter-v1", "print('x')\nraise ValueError('bad value')\n",
                       "script.py")
        status, out, err, _ = self.run_frag(["run", self.write_fragment(doc)])
        self.assertEqual(status, 7, err)
        self.assertEqual(self.last_line(err), "frag: ValueError: bad value")
        if out.strip():
            result = json.loads(out)
            self.assert_result_shape(result)
            self.assertEqual(result["error"]["name"], "ValueError")
            self.assertEqual(result["error"]["value"], "bad value")

    def test_static_html_serves_until_sigterm(self):
        page = "<!doctype html><title>contract</title><p>served by frag</p>\n"
        doc = fragment("static-html", page, "index.html", port=8000)
        proc = subprocess.Popen([FRAG, "run", self.write_fragment(doc)], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            line = proc.stdout.readline()
            self.assertTrue(line, "frag printed nothing: " + proc.stderr.read1().decode())
            result = json.loads(line)
            self.assert_result_shape(result)
            self.assertEqual(result["backend"], "local")
            self.assertIsInstance(result["url"], str)
            with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                    result["url"], timeout=10) as response:
                self.assertEqual(response.status, 200)
                self.assertIn(b"served by frag", response.read())
            self.assertIsNone(proc.poll(), "the server must keep running until SIGTERM")
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=15), 0)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            proc.stderr.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
