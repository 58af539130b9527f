"""Hostile and ordinary inputs never hang the build, leak a process or a file, crash a country or change a
figure (issue 11): a killed build takes its workers along, a failed render keeps the last good documents,
any file name works, every submission format gets its annotated copy, any exception crosses back from a
worker, and `rcm-docs validate` says what the build says."""
import concurrent.futures
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, copy_fixture, snakemake

from rcm_docs.build import workers


# --- 1. a killed or terminated build leaves no process behind -------------------------------------------

def _descendants(pid: int) -> dict[int, str]:
    """Every process below `pid` (by /proc), with its command line."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d))
    out, todo = {}, [pid]
    while todo:
        for k in children.get(todo.pop(), []):
            out[k] = _cmdline(k) or ""
            todo.append(k)
    return out


def _cmdline(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None


def _alive(pids) -> list[int]:
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def _start_build(ws: Path, log: Path) -> subprocess.Popen:
    # Output to a file: a pipe would stay open as long as any leaked worker holds it.
    return subprocess.Popen([sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(ws),
                             "--cores", "2"], stdout=log.open("w"), stderr=subprocess.STDOUT)


def _wait_for_workers(proc: subprocess.Popen, until=lambda: True, timeout: float = 120) -> dict[int, str]:
    """The build's processes once both workers run their pandoc server (and `until()` holds)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        assert proc.poll() is None, "the build ended before its workers were up"
        tree = _descendants(proc.pid)
        if sum("pandoc" in c and "pandoc_server.lua" in c for c in tree.values()) >= 2 and until():
            return tree
        time.sleep(0.05)
    raise AssertionError("the workers did not start")


def _gone_within(pids, seconds: float) -> list[int]:
    end = time.monotonic() + seconds
    while (alive := _alive(pids)) and time.monotonic() < end:
        time.sleep(0.05)
    return alive


def test_a_killed_build_takes_its_workers_and_their_pandoc_servers_along(tmp_path):
    ws = copy_fixture(tmp_path / "ws")
    proc = _start_build(ws, tmp_path / "build.log")
    tree = {}
    try:
        tree = _wait_for_workers(proc)
        assert sum("spawn_main" in c for c in tree.values()) >= 2, tree
        proc.kill()  # SIGKILL: no handler, no onerror, nothing of the build's own code runs
        proc.wait(timeout=30)
        left = _gone_within(tree, 5)
        assert left == [], {p: tree[p][:120] for p in left}
    finally:
        proc.kill()
        for pid in _alive(tree):
            os.kill(pid, signal.SIGKILL)


def test_sigterm_stops_a_build_whose_step_hangs(tmp_path):
    ws = copy_fixture(tmp_path / "ws")
    (ws / "templates").mkdir()
    # A workspace template that never ends: the step running it holds its worker for good.
    (ws / "templates" / "keypoints.md.j2").write_text(
        "{% for a in range(10**9) %}{% for b in range(10**9) %}{% endfor %}{% endfor %}\n")
    log = tmp_path / "build.log"
    proc = _start_build(ws, log)
    tree = {}
    try:
        tree = _wait_for_workers(proc, lambda: "rule render_keypoints" in log.read_text())
        time.sleep(1)
        t = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail("SIGTERM did not stop the build within 30 s")
        assert code != 0
        assert time.monotonic() - t < 15
        assert _gone_within(_descendants(proc.pid) | tree, 5) == []
        assert "terminated (SIGTERM)" in log.read_text()
    finally:
        proc.kill()
        for pid in _alive(tree):
            os.kill(pid, signal.SIGKILL)


def test_a_pool_replaced_by_a_job_thread_outlives_that_thread(tmp_path):
    """The kernel's parent-death signal follows the *thread* that started a process: a pool replaced from
    one of Snakemake's job threads must not die when that thread ends."""
    workers.start_workers(2)
    try:
        with concurrent.futures.ThreadPoolExecutor(1) as t:  # a job thread that breaks the pool, then ends
            t.submit(workers._in_workers, _crash_once, str(tmp_path / "marker")).result()
        time.sleep(0.5)
        pids = [p.pid for p in workers._pool._processes.values()]
        assert len(pids) == 2 and _alive(pids) == pids
        assert _in_build_thread(workers._in_workers, os.getpid) in pids
    finally:
        workers.stop_workers()


def _crash_once(marker: str) -> None:
    if not Path(marker).exists():
        Path(marker).write_text("crashed")
        os._exit(3)


# --- 5. any exception a step raises in a worker reaches the build, with its type name and message ---------

class HoldsALock(Exception):
    """Like lxml's XMLSyntaxError, which holds its error log: pickling the instance fails."""

    def __init__(self, message):
        super().__init__(message)
        self.lock = threading.Lock()


class WantsTwoArguments(Exception):
    """Pickles, but cannot be rebuilt from its args: unpickling it in the build process fails."""

    def __init__(self, line, message):
        super().__init__(f"line {line}: {message}")


def _raise_holds_a_lock():
    raise HoldsALock("Opening and ending tag mismatch: row line 2 and sheetData")


def _raise_wants_two_arguments():
    raise WantsTwoArguments(7, "premature end of data")


def _raise_lxml():
    from lxml import etree

    etree.fromstring(b"<worksheet><sheetData><row></sheetData></worksheet>")


@pytest.fixture
def pool():
    workers.start_workers(2)
    assert workers._pool is not None
    yield
    workers.stop_workers()


def _in_build_thread(fn, *args):
    with concurrent.futures.ThreadPoolExecutor(1) as t:
        return t.submit(fn, *args).result()


@pytest.mark.parametrize("step, name, message", [
    (_raise_holds_a_lock, "HoldsALock", "Opening and ending tag mismatch: row line 2"),
    (_raise_wants_two_arguments, "WantsTwoArguments", "line 7: premature end of data"),
    (_raise_lxml, "XMLSyntaxError", "Opening and ending tag mismatch"),
])
def test_an_exception_that_cannot_be_pickled_arrives_with_its_type_and_message(pool, tmp_path, step, name, message):
    log = tmp_path / "step.log"
    with pytest.raises(RuntimeError) as caught:
        _in_build_thread(workers.logged, log, step)
    assert str(caught.value).startswith(f"{name}: ") and message in str(caught.value)
    assert f"{name}: " in log.read_text() and message in log.read_text()
    assert "the worker process running this step stopped" not in str(caught.value)
    assert _in_build_thread(workers._in_workers, os.getpid) != os.getpid()  # the pool is still whole


def test_exceptions_that_pickle_keep_their_own_type(pool, tmp_path):
    with pytest.raises(KeyError, match="sector"):
        _in_build_thread(workers.logged, tmp_path / "step.log", _raise_key_error)


def _raise_key_error():
    raise KeyError("sector")


# --- 3. any file name under inputs/ works ------------------------------------------------------------------

FUNDING_ROW = "donor,organisation,country,sector,amount_usd,date,status\nJapan,UNHCR,UGA,PRO,{amount},2026-02-01,paid\n"
PROGRESS_ROW = "country,sector,organisation,indicator,admin1,reached\nUGA,PRO,UNHCR,# of people registered,Arua,10\n"


def test_any_file_name_under_inputs_builds_and_is_hashed_in_the_manifest(tmp_path):
    import json

    ws = copy_fixture(tmp_path / "ws")
    inputs = ws / "inputs"
    odd = {  # Snakemake would read {...} as a wildcard, or choke on a name that is not UTF-8
        "x {y}.txt": "notes",
        "a}b.csv": "a,b\n",
        "narratives/KEN/{country}.md": "# Not a section\n",
        "narratives/{doc}/overview.md": "# Not a document\n",
        "sitreps/2026-03/highlights/KEN/{country}.md": "- not a section\n",
        "sitreps/2026-03/progress/{partner} a}b.csv": PROGRESS_ROW,
        "funding/{donor} a}b.csv": FUNDING_ROW.format(amount=1000),
        "funding/notes {y}.txt": "not read",
        "misc/{1}.txt": "x",
    }
    for name, text in odd.items():
        (inputs / name).parent.mkdir(parents=True, exist_ok=True)
        (inputs / name).write_text(text)
    with open(os.fsencode(inputs / "funding") + b"/\xff donor.csv", "w") as f:  # not UTF-8
        f.write(FUNDING_ROW.format(amount=500))

    result = snakemake(ws)
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((ws / "build/manifest.json").read_text())["inputs"]
    for name in odd:
        assert f"inputs/{name}" in manifest
    assert "inputs/funding/\\xff donor.csv" in manifest
    funding = json.loads((ws / "build/data/funding.status.json").read_text())["submissions"]
    assert {"inputs/funding/{donor} a}b.csv", "inputs/funding/\\xff donor.csv"} <= {s["file"] for s in funding}
    assert all(s["verdict"] == "accepted" for s in funding)

    # A file Snakemake is not told about still reruns what reads it when it changes.
    (inputs / "x {y}.txt").write_text("other notes")
    (inputs / "funding/{donor} a}b.csv").write_text(FUNDING_ROW.format(amount=2000))
    result = snakemake(ws)
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((ws / "build/manifest.json").read_text())["inputs"]
    import hashlib

    assert manifest["inputs/x {y}.txt"] == hashlib.sha256(b"other notes").hexdigest()
    rows = (ws / "build/data/funding.rows.csv").read_text()
    assert "2000" in rows and ",1000," not in rows
