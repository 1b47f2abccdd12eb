"""Settings gunicorn reads by itself when started from the project's root."""

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """The app and the course content, loaded by now, live as long as the worker: keep them out of the
    garbage collector's full passes, which otherwise pause one request in twenty or so by tens of
    milliseconds (docs/performance.md)."""
    gc.freeze()
