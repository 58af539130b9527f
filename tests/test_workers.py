"""The build's worker processes: a dead worker costs one retry, not the rest of the build."""
import concurrent.futures
import os
from pathlib import Path

import pytest

from rcm_docs.steps import workers


def crash_once(marker: str) -> None:
    if not Path(marker).exists():
        Path(marker).write_text("crashed", encoding="utf-8")
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
    assert (tmp_path / "marker").read_text(encoding="utf-8") == "crashed"
    in_build_thread(fine)


def test_a_step_that_kills_its_worker_every_time_fails_alone_and_says_so(pool, tmp_path):
    with pytest.raises(RuntimeError, match="crash_always: the worker process running this step stopped abruptly"):
        in_build_thread(crash_always)
    in_build_thread(fine)  # the steps after it still run


def test_steps_logged_from_a_worker_keep_their_error_message(pool, tmp_path):
    log = tmp_path / "step.log"
    with pytest.raises(ValueError, match="not a date"):
        in_build_thread(workers.logged, log, _raise_value_error)
    assert "not a date" in log.read_text(encoding="utf-8")


def _raise_value_error():
    raise ValueError("not a date")


def _processes_with(tag: str) -> list[str]:
    """Live processes (not zombies) whose environment carries tag: the build's and its children's."""
    found = []
    for d in Path("/proc").iterdir():
        try:
            if d.name.isdigit() and tag.encode() in (d / "environ").read_bytes():
                if (d / "stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0] != "Z":
                    found.append((d / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:100])
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
def test_a_build_with_nothing_to_do_stops_the_fork_server_it_started_while_reading_the_snakefile(tmp_path):
    import subprocess
    import sys
    import time

    from conftest import ROOT, copy_fixture

    ws = copy_fixture(tmp_path / "ws")
    tag = f"RCM_TEST_{os.getpid()}_{time.monotonic_ns()}"
    snake = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(ws), "--cores", "2",
             "build/data/KEN.status.json"]
    assert subprocess.run(snake, capture_output=True, timeout=300).returncode == 0
    # Made already: Snakemake reads the Snakefile (and starts the fork server), then has nothing to do.
    done = subprocess.run(snake, capture_output=True, text=True, env={**os.environ, tag: "1"}, timeout=120, encoding="utf-8")
    assert done.returncode == 0 and "Nothing to be done" in done.stdout + done.stderr, done.stderr[-2000:]
    end = time.monotonic() + 1  # killed at exit, not left to finish its imports
    while (left := _processes_with(tag)) and time.monotonic() < end:
        time.sleep(0.05)
    assert left == []


@pytest.mark.parametrize("argv, dry", [(["snakemake", "-n"], True), (["snakemake", "--dry-run"], True),
                                       (["snakemake", "-np", "--cores", "2"], True), (["snakemake", "--cores", "2"], False),
                                       (["snakemake", "-s", "Snakefile", "-d", "ws"], False)])
def test_a_dry_run_starts_no_fork_server(argv, dry):
    assert workers._dry_run(argv) is dry


SCHEDULER_HOLDS_ITS_LOCK = """
import os, signal, threading, time
from rcm_docs.steps import workers
lock, handled = threading.Lock(), threading.Event()
def snakemakes_handler(signum, frame):  # as JobScheduler.exit_gracefully
    with lock:
        handled.set()
signal.signal(signal.SIGTERM, snakemakes_handler)
workers._on_signal_stop_steps()
with lock:  # the main thread is choosing jobs
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.2)  # the handler runs here, in this thread, and must come back
    assert not handled.is_set()
assert handled.wait(5)  # once the lock is let go, Snakemake's handler has run
print("stopped cleanly")
"""


def test_sigterm_arriving_while_the_scheduler_holds_its_lock_does_not_deadlock_the_build():
    """Snakemake's SIGTERM handler takes its scheduler's lock; the signal may land while the main thread
    holds it (choosing jobs). Seen in CI: the build waited on itself until killed."""
    import subprocess
    import sys

    try:
        done = subprocess.run([sys.executable, "-c", SCHEDULER_HOLDS_ITS_LOCK], capture_output=True, text=True,
                              timeout=60, encoding="utf-8")
    except subprocess.TimeoutExpired:
        pytest.fail("the process waited on itself: SIGTERM's handler took a lock its own thread held")
    assert done.stdout.strip() == "stopped cleanly", done.stderr[-2000:]
