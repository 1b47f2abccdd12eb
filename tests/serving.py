"""Serving a test server in a thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from socketserver import BaseServer
from typing import TypeVar

Server = TypeVar("Server", bound=BaseServer)

# How often serve_forever looks for a shutdown: the standard library's half a second would be added to
# every test that stops a server.
POLL_SECONDS = 0.02


def thread_for(server: BaseServer) -> threading.Thread:
    return threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True)


@contextmanager
def serving(server: Server) -> Iterator[Server]:
    """Serve `server` in a thread while the block runs; then shut it down and free its port."""
    thread = thread_for(server)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
