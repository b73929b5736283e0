# frag_port_bridge.py: starts a web app inside the sandbox and bridges its port out.
#
# Copyright 2026 The Fragment Studio authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: python3 -I frag_port_bridge.py SOCKET PORT -- COMMAND...
#
# The sandbox has its own network namespace with nothing but a loopback, so the app
# cannot reach the host or the internet, and the host cannot reach the app's TCP port
# either. The one way in is this bridge: a Unix socket in a directory shared with the
# host, each connection forwarded to 127.0.0.1:PORT inside. The backend puts a TCP
# listener on the host's loopback in front of the socket and hands that URL to the
# preview.
#
# COMMAND runs as our child with our stdout/stderr; we exit with its status, so the
# backend sees the server's death (and its exit code) the moment it happens.

import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading

CHUNK = 65536


def pump(source, destination):
    try:
        while True:
            data = source.recv(CHUNK)
            if not data:
                break
            destination.sendall(data)
    except OSError:
        pass
    finally:
        try:
            destination.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class Forwarder(socketserver.BaseRequestHandler):
    port = 0

    def handle(self):
        try:
            upstream = socket.create_connection(("127.0.0.1", self.port))
        except OSError:
            return  # nothing listens yet: closing tells the host probe "not yet"
        with upstream:
            back = threading.Thread(target=pump, args=(upstream, self.request), daemon=True)
            back.start()
            pump(self.request, upstream)
            back.join()


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def main():
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        sys.stderr.write("usage: frag_port_bridge.py SOCKET PORT -- COMMAND...\n")
        return 2
    path, port, command = sys.argv[1], int(sys.argv[2]), sys.argv[4:]
    Forwarder.port = port
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    server = Server(path, Forwarder)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    child = subprocess.Popen(command)
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, lambda signum, frame: child.send_signal(signum))
    status = child.wait()
    server.server_close()
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main())
