"""The gunicorn settings: threaded workers, one per core, and the loaded app left out of the garbage
collector's full passes."""

import gc
import importlib.util
import multiprocessing
from pathlib import Path
from types import ModuleType


def settings() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gunicorn_conf", Path(__file__).parents[2] / "gunicorn.conf.py"
    )
    assert spec is not None and spec.loader is not None
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    return conf


def test_workers_are_threaded_so_that_hashing_a_password_holds_up_no_other_request():
    conf = settings()
    assert conf.worker_class == "gthread"
    assert conf.threads > 1
    assert conf.workers == multiprocessing.cpu_count()


def test_a_worker_freezes_what_it_has_loaded():
    conf = settings()
    gc.unfreeze()
    try:
        conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
