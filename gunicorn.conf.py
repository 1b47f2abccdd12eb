"""Settings gunicorn reads by itself when started from the project's root."""

import gc
import multiprocessing
from typing import Any

# Threaded workers, two per core and one more, each serving several requests at once. Password hashing
# (argon2) and database calls release the interpreter lock, so while one thread hashes a sign-in the
# worker's other threads go on serving pages instead of queueing behind it, as they did with sync
# workers. Measured with the benchmark's rush of 600 learners (docs/performance.md).
workers = 2 * multiprocessing.cpu_count() + 1
worker_class = "gthread"
threads = 4


def post_worker_init(worker: Any) -> None:
    """The app and the course content, loaded by now, live as long as the worker: keep them out of the
    garbage collector's full passes, which otherwise pause one request in twenty or so by tens of
    milliseconds (docs/performance.md)."""
    gc.freeze()
