#!/usr/bin/python3
# fake-e2b-slow-install.py: tests/sandbox/fake-e2b.py whose commands take real time,
# for the pipeline benchmark's "fake E2B with a 2 s dependency install".
#
# Copyright 2026 The Fragment Studio authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: fake-e2b-slow-install.py [--latency-ms N] [--install-ms N]
# Every envd process Start that is not a server (no PORT in its environment: an
# install command) takes --install-ms before it answers; everything else, including
# --latency-ms per request and "PORT <n>" on stdout, is fake-e2b.py's.

import importlib.util
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("fake_e2b", os.path.join(HERE, "..", "sandbox", "fake-e2b.py"))
fake_e2b = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fake_e2b)

install_seconds = 0.0
if "--install-ms" in sys.argv:
    install_seconds = int(sys.argv[sys.argv.index("--install-ms") + 1]) / 1000.0

original_process_start = fake_e2b.Handler.process_start


def process_start(self, sandbox, request):
    if "PORT" not in request["process"].get("envs", {}):
        time.sleep(install_seconds)
    return original_process_start(self, sandbox, request)


fake_e2b.Handler.process_start = process_start

if __name__ == "__main__":
    fake_e2b.main()
