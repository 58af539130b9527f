"""The build's worker processes: a dead worker costs one retry, not the rest of the build."""
import concurrent.futures
import os
from pathlib import Path

import pytest

from rcm_docs.build import workers


def crash_once(marker: str) -> None:
    if not Path(marker).exists():
        Path(marker).write_text("crashed")
        os._exit(3)  # what an out-of-memory kill looks like to the pool


def crash_always() -> None:
    os._exit(3)


def fine() -> None:
    return None


@pytest.fixture
def pool():
    workers.start_workers()
    assert workers._pool is not None
    yield
    workers.stop_workers()


def in_build_thread(fn, *args):
    """Steps run in Snakemake's threads, never in its main thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as t:
        return t.submit(workers._in_workers, fn, *args).result()


def test_a_worker_that_dies_is_replaced_and_its_step_retried_once(pool, tmp_path):
    in_build_thread(crash_once, str(tmp_path / "marker"))  # crashed, retried in a fresh pool, succeeded
    assert (tmp_path / "marker").read_text() == "crashed"
    in_build_thread(fine)


def test_a_step_that_kills_its_worker_every_time_fails_alone_and_says_so(pool, tmp_path):
    with pytest.raises(RuntimeError, match="crash_always: the worker process running this step stopped abruptly"):
        in_build_thread(crash_always)
    in_build_thread(fine)  # the steps after it still run


def test_steps_logged_from_a_worker_keep_their_error_message(pool, tmp_path):
    log = tmp_path / "step.log"
    with pytest.raises(ValueError, match="not a date"):
        in_build_thread(workers.logged, log, _raise_value_error)
    assert "not a date" in log.read_text()


def _raise_value_error():
    raise ValueError("not a date")
