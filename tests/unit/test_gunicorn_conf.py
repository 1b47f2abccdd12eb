"""The gunicorn settings leave the loaded app out of the garbage collector's full passes."""

import gc
import importlib.util
from pathlib import Path


def test_a_worker_freezes_what_it_has_loaded():
    spec = importlib.util.spec_from_file_location(
        "gunicorn_conf", Path(__file__).parents[2] / "gunicorn.conf.py"
    )
    assert spec is not None and spec.loader is not None
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    gc.unfreeze()
    try:
        conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
