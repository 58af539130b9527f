"""The worker processes that run build steps: one per core Snakemake is given, started at onstart,
warmed (imports, pandoc server, Typst fonts), replaced if one dies, stopped when the build ends."""
from __future__ import annotations

import os
import threading

from ..common.files import atomic_write_text


def logged(log, step, *args, **kwargs):
    """Run one build step, leaving its outcome in the rule's log file; failures still fail the step.
    In a local build the step runs in one of the worker processes (see start_workers)."""
    import time

    t = time.perf_counter()
    try:
        result = _in_workers(_in_dir, os.getcwd(), step, *args, **kwargs)
    except Exception as e:
        atomic_write_text(log, f"{step.__name__}: failed after {time.perf_counter() - t:.2f} s\n{e}\n")
        raise
    stages = result.get("timings", {}) if isinstance(result, dict) else {}
    atomic_write_text(log, f"{step.__name__}: done in {time.perf_counter() - t:.2f} s\n"
                      + "".join(f"  {k}: {v:.3f} s\n" for k, v in stages.items()))


_pool = None
_pool_lock = threading.Lock()
_workers = 2


def start_workers(cores: int | None = None) -> None:
    """Spawn one worker process per core Snakemake was given (two on a 2-core laptop; none with one core)
    and warm them (imports, pandoc server, Typst fonts) while Snakemake starts its first jobs. Steps are
    threads of the Snakemake process (no interpreter start per step), but threads share one GIL:
    validation and python-docx ran on one core of two. Called by the Snakefile's onstart, so only a
    local build's main process has workers; cluster jobs (started with --no-hooks) run in-process."""
    global _pool, _workers
    n = min(cores or 2, os.cpu_count() or 1)  # as many as the steps Snakemake may run at once
    if os.environ.get("RCM_NO_WORKERS") or n < 2:
        return
    with _pool_lock:
        if _pool is None:
            _workers = n
            _pool = _new_pool()


def _new_pool():
    import concurrent.futures
    import multiprocessing
    import sys
    import types

    # A spawned worker first re-runs the parent's __main__: here the snakemake script, 0.7 s of imports
    # (Snakemake, and pandas through its plugins) that a worker never uses. Hidden while they start.
    real_main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=_workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm)
        for _ in range(_workers):
            pool.submit(int)  # one trivial task each: a spawn-context pool starts its workers on demand
    finally:
        sys.modules["__main__"] = real_main
    return pool


def stop_workers() -> None:
    """End the workers once the build's jobs are done. A graceful pool shutdown waits for each
    interpreter to tear down pandas and python-docx (about a second); idle workers have nothing to lose."""
    global _pool
    with _pool_lock:
        if _pool is None:
            return
        pool, _pool = _pool, None
    for proc in list(getattr(pool, "_processes", {}).values()):
        proc.terminate()  # their pandoc servers see end of input and exit too
    pool.shutdown(wait=True, cancel_futures=True)


def finish_build() -> None:
    """The build's last step (Snakemake's onsuccess/onerror): stop the workers, and cancel the scheduler's
    rate-limit timers. Snakemake re-arms a one-second threading.Timer after each scheduling round; a
    pending one would hold the finished build open for up to a second."""
    import gc

    stop_workers()
    for t in threading.enumerate():
        if isinstance(t, threading.Timer):
            t.cancel()
    # Snakemake exits right after: let the interpreter's final collection skip the DAG's objects (~0.3 s).
    gc.freeze()


def _warm() -> None:
    try:
        from ..documents import charts, pandoc, typeset, word  # noqa: F401  (python-docx, fonts)
        from ..intake import validate  # noqa: F401  (pandas)

        pandoc.warm()
        typeset.compile("warm", format="pdf")
    except Exception:  # noqa: BLE001  a failed warm-up must not break the pool: the step reports the cause
        pass


def _in_dir(cwd, fn, *args, **kwargs):
    os.chdir(cwd)  # a worker serves one build: the workspace snakemake -d chose
    return fn(*args, **kwargs)


def _in_workers(fn, *args, **kwargs):
    from concurrent.futures.process import BrokenProcessPool

    global _pool
    pool = _pool
    if pool is None or threading.current_thread() is threading.main_thread():
        return fn(*args, **kwargs)
    try:
        return pool.submit(fn, *args, **kwargs).result()
    except BrokenProcessPool:
        # A worker died (out of memory, a crash in a native library): every step on this pool fails with
        # it, the innocent one on the other worker too. Steps go on in a fresh pool; this one is tried
        # there once more, and only if it breaks that one as well is it the step's own failure.
        with _pool_lock:
            if _pool is pool:
                pool.shutdown(wait=False, cancel_futures=True)
                _pool = _new_pool()
            fresh = _pool
        try:
            return fresh.submit(fn, *args, **kwargs).result()
        except BrokenProcessPool:
            raise RuntimeError(f"{getattr(fn, '__name__', fn)}: the worker process running this step stopped "
                               "abruptly, twice (out of memory? see the system log)") from None
