"""The worker processes that run build steps: one per core Snakemake is given, started at onstart,
warmed (imports, pandoc server, Typst fonts), replaced if one dies, stopped when the build ends, and
never outliving the build: they die with it when it is killed, and SIGTERM or Ctrl-C stops the steps they run."""
from __future__ import annotations

import os
import threading

from ..common.files import atomic_write_text


def logged(log, step, *args, **kwargs):
    """Run one build step, leaving its outcome in the rule's log file (errors.step_record); failures still
    fail the step. In a local build the step runs in one of the worker processes (see start_workers)."""
    import time

    from ..common.errors import step_record

    t = time.perf_counter()
    try:
        result, cpu = _in_workers(_in_dir, os.getcwd(), step, *args, **kwargs)
    except Exception as e:
        atomic_write_text(log, step_record(step.__name__, time.perf_counter() - t, error=e))
        raise
    stages = result.get("timings", {}) if isinstance(result, dict) else {}
    # CPU beside wall time: on a shared machine the wall time measures the neighbours as much as the step.
    atomic_write_text(log, step_record(step.__name__, time.perf_counter() - t, cpu, timings=stages))


_pool = None
_pool_lock = threading.Lock()
_workers = 2
_spawner = None  # the one thread that starts worker processes (see _spawn_pool)
_spawner_lock = threading.Lock()
_stopping = threading.Event()  # set by SIGTERM or SIGINT: running steps are abandoned, none retried
_signals_before: dict = {}  # the handlers ours replaced, put back by stop_workers


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
            _stopping.clear()
            _pool = _spawn_pool()
    _on_signal_stop_steps()


def _spawn_pool():
    """A new pool, its processes started by one long-lived thread. A worker asks the kernel to kill it
    when its parent dies (PR_SET_PDEATHSIG), and for Linux the parent is the *thread* that started it:
    a pool started by one of Snakemake's job threads (replacing a broken pool) would be killed when that
    thread ends. This thread lives as long as the process."""
    global _spawner
    import concurrent.futures

    with _spawner_lock:
        if _spawner is None:
            _spawner = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="rcm-workers")
    return _spawner.submit(_new_pool).result()


# What every worker imports before its first step (steps/preload.py: pandas, python-docx, lxml, Jinja, Typst,
# the geo data). A fork server imports it once and forks the workers from itself: each worker then costs its
# pandoc server and its Typst compiler only. Forked from that single-threaded server, never from Snakemake's
# process (its threads would leave their locks held in a forked copy).
PRELOAD = ["rcm_docs.steps.preload"]


def freeze_loaded() -> None:
    """What the build's process has loaded when the Snakefile is read (Snakemake's modules, and pandas
    through its plugins) lives as long as the process: the collector's passes leave it out. The full pass
    made while the DAG is built took 0.09 s over it, before the first step; 0.03 s without it."""
    import gc

    gc.freeze()


def start_fork_server(cores, argv: list[str]) -> None:
    """Start the fork server now, while the Snakefile is read: its imports (a second) then overlap
    Snakemake's building of the DAG (another second) instead of holding up onstart, and the first step,
    after it. Not for a dry run, nor with one core. Where no step runs after all (nothing to do, another
    executor), the server is stopped when Snakemake exits; killed with it, it ends once its imports are
    done (multiprocessing's lifeline)."""
    import atexit
    import multiprocessing

    n = min(int(cores) if str(cores).isdigit() else os.cpu_count() or 1, os.cpu_count() or 1)
    if os.environ.get("RCM_NO_WORKERS") or n < 2 or _dry_run(argv) or not _forkable():
        return
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    try:
        forkserver.ensure_running()
    except Exception:  # noqa: BLE001  onstart starts it, or spawns workers without it
        return
    atexit.register(_stop_fork_server)


def no_local_steps() -> None:
    """Another executor runs the steps (a cluster): the fork server started while the Snakefile was read
    would idle for the whole build."""
    _stop_fork_server()


def _dry_run(argv: list[str]) -> bool:
    """Whether Snakemake's command line asks for a dry run (-n, --dry-run, or -n among short flags: -np)."""
    import re

    return any(a in ("--dry-run", "--dryrun") or re.fullmatch(r"-[a-zA-Z]{0,3}n[a-zA-Z]{0,3}", a) for a in argv[1:])


def _forkable() -> bool:
    import multiprocessing

    return "forkserver" in multiprocessing.get_all_start_methods() and hasattr(os, "pidfd_open")


def _new_pool():
    import concurrent.futures
    import multiprocessing
    import sys
    import types

    from ..common.workspace import (
        code_version,  # the Snakefile's CODE: computed already
    )

    forked = _forkable()
    if forked:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
    else:
        context = multiprocessing.get_context("spawn")
    # A spawned process first re-runs the parent's __main__: here the snakemake script, 0.7 s of imports
    # (Snakemake, and pandas through its plugins) that a worker never uses. Hidden while they start.
    real_main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=_workers, mp_context=context, initializer=_warm, initargs=(os.getpid(), forked, code_version()))
        for _ in range(_workers):
            pool.submit(int)  # one trivial task each: the pool starts its workers on demand
    finally:
        sys.modules["__main__"] = real_main
    return pool


def _stop_fork_server() -> None:
    """Kill the fork server and wait for it, as for any child: no process outlives the build, and its
    seconds (and its workers') count in the build's own (`time snakemake`, the bench). Killed, not asked:
    it has nothing to save, a graceful end would wait for every worker it forked to let go of its
    lifeline (and those of a stopped build may be slow to die: they die with it, PR_SET_PDEATHSIG), and
    an interpreter holding pandas and the geo data took a third of a second to tear itself down."""
    import signal

    try:
        from multiprocessing import forkserver

        server = forkserver._forkserver
        if server._forkserver_pid:
            os.kill(server._forkserver_pid, signal.SIGKILL)
        server._stop()
    except Exception:  # noqa: BLE001  none was started, or CPython moved its internals: it ends with the build
        pass


def stop_workers() -> None:
    """End the workers once the build's jobs are done. A graceful pool shutdown waits for each
    interpreter to tear down pandas and python-docx (about a second); idle workers have nothing to lose."""
    global _pool
    _restore_signals()
    with _pool_lock:
        if _pool is None:
            return
        pool, _pool = _pool, None
    _terminate(pool)
    if _stopping.is_set():  # SIGTERM or Ctrl-C: the steps are abandoned, nothing is worth waiting for
        _stop_fork_server()  # before the shutdown, which would wait for the workers otherwise
    pool.shutdown(wait=True, cancel_futures=True)
    _stop_fork_server()


def _terminate(pool) -> None:
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.terminate()  # their pandoc servers see end of input and exit too
        except (OSError, ValueError, AttributeError):
            pass  # already gone


def _on_signal_stop_steps() -> None:
    """Snakemake answers SIGTERM by waiting for the running jobs to finish, and Ctrl-C (SIGINT) by
    shutting its job threads down, which also waits for them: a step stuck on a hostile input would hold
    the build forever. On either signal the workers are ended too, so the running steps fail at once
    (their outputs are then removed, and the last good documents restored, as after any failure) and
    Snakemake's own handler ends the build. Only the main thread may set a handler."""
    import signal

    if threading.current_thread() is not threading.main_thread() or _signals_before:
        return
    for signum in (signal.SIGTERM, signal.SIGINT):
        before = signal.getsignal(signum)

        def on_signal(signum, frame, before=before):
            _stopping.set()
            pool = _pool
            if pool is not None:
                _terminate(pool)
            if before is signal.default_int_handler:
                before(signum, frame)  # KeyboardInterrupt, which only the main thread may raise
            elif callable(before):
                # Snakemake's SIGTERM handler takes its scheduler's lock, which the main thread this
                # handler interrupts may hold (while it picks the next jobs): called here, it waited on
                # itself for ever. From a thread of its own it waits for the lock to be let go.
                threading.Thread(target=before, args=(signum, frame), name="rcm-signal", daemon=True).start()
            elif before != signal.SIG_IGN:  # nobody else handles it: end as the signal would have
                signal.signal(signum, signal.SIG_DFL)
                os.kill(os.getpid(), signum)

        signal.signal(signum, on_signal)
        _signals_before[signum] = before


def _restore_signals() -> None:
    import signal

    if threading.current_thread() is threading.main_thread():
        while _signals_before:
            signum, before = _signals_before.popitem()
            signal.signal(signum, before if before is not None else signal.SIG_DFL)


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


def _die_with(parent: int, forked: bool = False) -> None:
    """End this worker when the build process dies, even by SIGKILL (which no handler sees): the kernel
    sends it SIGKILL when its parent ends (Linux). A parent that died before that call is caught by the
    check after it: this process then belongs to another parent already. Elsewhere a thread watches.
    A worker forked from the fork server has that server for parent, and the server stays up as long as
    any worker holds its lifeline (multiprocessing hands one to each): such a worker also watches the
    build's process itself (a pidfd, which a reused pid cannot fool), so both end when the build does."""
    import signal
    import sys

    if forked:
        try:
            build = os.pidfd_open(parent)
        except OSError:  # the build is gone already
            os._exit(1)

        def watch_build():
            import select

            select.select([build], [], [])  # readable once the build's process has ended
            os._exit(1)

        threading.Thread(target=watch_build, name="rcm-build-watch", daemon=True).start()
        parent = os.getppid()  # the fork server, for the rest
    armed = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            PR_SET_PDEATHSIG = 1
            armed = ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:
        os._exit(1)
    if not armed:
        def watch():
            import time

            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, name="rcm-parent-watch", daemon=True).start()


def _warm(parent: int, forked: bool = False, code: str | None = None) -> None:
    """A new worker: die with the build (parent: the build's pid; forked: from the fork server), then the
    imports (none left to do when forked), this process's pandoc server and Typst compiler. code: the build's
    code version (workspace.code_version), as its main process computed it."""
    _die_with(parent, forked)  # first: the imports and pandoc below take half a second
    if code:
        from ..common.workspace import adopt_code_version

        adopt_code_version(code)
    try:
        from ..documents.pictures import charts  # noqa: F401  (Typst, the chart library)
        from ..documents.typeset import compiler as typeset
        from ..documents.typeset import pandoc
        from ..documents.word import finish as word  # noqa: F401  (python-docx, fonts)
        from ..intake.tables import validate  # noqa: F401  (pandas)
    except Exception:  # noqa: BLE001  a failed warm-up must not break the pool: the step reports the cause
        return

    def warm():
        try:
            pandoc.warm()
            typeset.compile("warm", format="pdf")
        except Exception:  # noqa: BLE001  as above
            pass

    # Beside the first step, not before it (0.1 s): a build's first steps check files and need neither;
    # a document that comes first waits on their locks.
    threading.Thread(target=warm, name="warm-up", daemon=True).start()


def _in_dir(cwd, fn, *args, **kwargs):
    """-> (fn's result, the CPU seconds it took: of this process in a worker, of this thread in a build
    without workers, and in either case of the process's pandoc server)."""
    import sys
    import time

    os.chdir(cwd)  # a worker serves one build: the workspace snakemake -d chose
    own = time.process_time if threading.current_thread() is threading.main_thread() else time.thread_time

    def clock():
        pandoc = sys.modules.get("rcm_docs.documents.typeset.pandoc")  # loaded by the steps that use it
        return own() + (pandoc.server_cpu_seconds() if pandoc else 0.0)

    start = clock()
    try:
        return fn(*args, **kwargs), max(clock() - start, 0.0)  # a restarted pandoc counts anew
    except Exception as e:
        portable = _portable(e)
        if portable is e:
            raise
        raise portable from e  # the original's traceback travels as text, in the remote traceback


def _portable(e: BaseException) -> BaseException:
    """The exception as it can cross back to the build process. One that does not survive pickling
    (lxml's XMLSyntaxError holds its error log; a class whose __init__ wants other arguments than it
    stores) would otherwise arrive as a pickling TypeError, or break the whole pool; it comes back as a
    RuntimeError with the original's type name and message (its traceback goes along as text)."""
    import pickle

    try:
        back = pickle.loads(pickle.dumps(e))
        if type(back) is type(e) and str(back) == str(e):
            return e
    except Exception:  # noqa: BLE001  any failure to round-trip is the case handled here
        pass
    try:
        message = str(e)
    except Exception:  # noqa: BLE001  even its message fails: say what it is
        message = f"(its message could not be read) {object.__repr__(e)}"
    return RuntimeError(f"{type(e).__name__}: {message}")


def _in_workers(fn, *args, **kwargs):
    from concurrent.futures.process import BrokenProcessPool

    global _pool
    pool = _pool
    if pool is None or threading.current_thread() is threading.main_thread():
        return fn(*args, **kwargs)
    name = getattr(args[1] if fn is _in_dir and len(args) > 1 else fn, "__name__", fn)
    stopped = RuntimeError(f"{name}: stopped, the build was terminated (SIGTERM or Ctrl-C) while this step ran")
    if _stopping.is_set():
        raise stopped
    try:
        return pool.submit(fn, *args, **kwargs).result()
    except BrokenProcessPool:
        if _stopping.is_set():
            raise stopped from None
        # A worker died (out of memory, a crash in a native library): every step on this pool fails with
        # it, the innocent one on the other worker too. Steps go on in a fresh pool; this one is tried
        # there once more, and only if it breaks that one as well is it the step's own failure.
        with _pool_lock:
            if _pool is pool:
                pool.shutdown(wait=False, cancel_futures=True)
                _pool = _spawn_pool()
            fresh = _pool
        if fresh is None:
            raise RuntimeError(f"{name}: the workers were stopped while this step ran") from None
        try:
            return fresh.submit(fn, *args, **kwargs).result()
        except BrokenProcessPool:
            if _stopping.is_set():
                raise stopped from None
            raise RuntimeError(f"{name}: the worker process running this step stopped "
                               "abruptly, twice (out of memory? see the system log)") from None
