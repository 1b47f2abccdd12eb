"""Settings gunicorn reads by itself when started from the project's root."""

import gc
import multiprocessing
from typing import Any

# Threaded workers, one per core, each serving eight requests at once. Password hashing (argon2) and
# database calls release the interpreter lock, so while one thread hashes a sign-in the worker's other
# threads go on serving pages instead of queueing behind it, as they did with sync workers. Of the
# settings the benchmark's rush of 600 learners compared (5 sync workers; 5 x 4, 3 x 4 and 2 x 8
# threaded), this one used the least CPU per learner and kept every step's latency lowest
# (docs/performance.md).
workers = multiprocessing.cpu_count()
worker_class = "gthread"
threads = 8


def post_worker_init(worker: Any) -> None:
    """The app and the course content, loaded by now, live as long as the worker: keep them out of the
    garbage collector's full passes, which otherwise pause one request in twenty or so by tens of
    milliseconds (docs/performance.md)."""
    gc.freeze()
