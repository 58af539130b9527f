"""Hostile and ordinary inputs never hang the build, leak a process or a file, crash a country or change a
figure (issue 11): a killed build takes its workers along, a failed render keeps the last good documents,
any file name works, every submission format gets its annotated copy, any exception crosses back from a
worker, and `rcm-docs validate` says what the build says."""
import concurrent.futures
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, copy_fixture, snakemake

from rcm_docs.steps import workers

# --- 1. a killed or terminated build leaves no process behind -------------------------------------------

def _descendants(pid: int) -> dict[int, str]:
    """Every process below `pid` (by /proc), with its command line."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(Path(f"/proc/{d}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[1])
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
            state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def _start_build(ws: Path, log: Path) -> subprocess.Popen:
    # Output to a file: a pipe would stay open as long as any leaked worker holds it.
    return subprocess.Popen([sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(ws),
                             "--cores", "2"], stdout=log.open("w", encoding="utf-8"), stderr=subprocess.STDOUT)


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


def _where(pid: int) -> str:
    """What a stuck build's processes wait on (state, kernel wait channel; Python stacks where py-spy is
    installed): a hang seen once in a loaded CI run is then explained by its own report."""
    out = ""
    for p, cmd in {pid: "snakemake", **_descendants(pid)}.items():
        try:
            state = Path(f"/proc/{p}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
            wchan = Path(f"/proc/{p}/wchan").read_text(encoding="utf-8")
        except OSError:
            continue
        out += f"\n{p} {state} {wchan} {cmd[:100]}"
        if shutil.which("py-spy") and (p == pid or "python" in cmd):
            out += subprocess.run(["py-spy", "dump", "--pid", str(p)], capture_output=True, text=True, encoding="utf-8").stdout
    return out


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
        # The workers: forked from a fork server (its command line, and theirs), or spawned where there is none.
        assert sum("multiprocessing.forkserver" in c for c in tree.values()) >= 3 or \
            sum("spawn_main" in c for c in tree.values()) >= 2, tree
        proc.kill()  # SIGKILL: no handler, no onerror, nothing of the build's own code runs
        proc.wait(timeout=30)
        left = _gone_within(tree, 5)
        assert left == [], {p: tree[p][:120] for p in left}
    finally:
        proc.kill()
        for pid in _alive(tree):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_or_ctrl_c_stops_a_build_whose_step_hangs(tmp_path, sig):
    ws = copy_fixture(tmp_path / "ws")
    (ws / "templates").mkdir()
    # A workspace template that never ends: the step running it holds its worker for good.
    (ws / "templates" / "keypoints.md.j2").write_text(
        "{% for a in range(99999) %}{% for b in range(99999) %}{% for c in range(99999) %}{% endfor %}{% endfor %}{% endfor %}\n", encoding="utf-8")
    log = tmp_path / "build.log"
    proc = _start_build(ws, log)
    tree = {}
    try:
        tree = _wait_for_workers(proc, lambda: "rule render_keypoints" in log.read_text(encoding="utf-8"))
        time.sleep(1)
        t = time.monotonic()
        proc.send_signal(sig)  # to Snakemake alone, as a supervisor sends it
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{sig.name} did not stop the build within 30 s; its processes:{_where(proc.pid)}")
        assert code != 0
        assert time.monotonic() - t < 15
        assert _gone_within(_descendants(proc.pid) | tree, 5) == []
        assert "stopped, the build was terminated" in log.read_text(encoding="utf-8")
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
        Path(marker).write_text("crashed", encoding="utf-8")
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


class BrokenMessage(Exception):
    def __str__(self):
        raise ValueError("no message")


def _raise_broken_message():
    raise BrokenMessage()


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
    (_raise_broken_message, "BrokenMessage", "its message could not be read"),
])
def test_an_exception_that_cannot_be_pickled_arrives_with_its_type_and_message(pool, tmp_path, step, name, message):
    log = tmp_path / "step.log"
    with pytest.raises(RuntimeError) as caught:
        _in_build_thread(workers.logged, log, step)
    assert str(caught.value).startswith(f"{name}: ") and message in str(caught.value)
    assert f"{name}: " in log.read_text(encoding="utf-8") and message in log.read_text(encoding="utf-8")
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
        (inputs / name).write_text(text, encoding="utf-8")
    with open(os.fsencode(inputs / "funding") + b"/\xff donor.csv", "w", encoding="utf-8") as f:  # not UTF-8
        f.write(FUNDING_ROW.format(amount=500))

    result = snakemake(ws)
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((ws / "build/manifest.json").read_text(encoding="utf-8"))["inputs"]
    for name in odd:
        assert f"inputs/{name}" in manifest
    assert "inputs/funding/\\xff donor.csv" in manifest
    funding = json.loads((ws / "build/data/funding.status.json").read_text(encoding="utf-8"))["submissions"]
    assert {"inputs/funding/{donor} a}b.csv", "inputs/funding/\\xff donor.csv"} <= {s["file"] for s in funding}
    assert all(s["verdict"] == "accepted" for s in funding)

    # A file Snakemake is not told about still reruns what reads it when it changes.
    (inputs / "x {y}.txt").write_text("other notes", encoding="utf-8")
    (inputs / "funding/{donor} a}b.csv").write_text(FUNDING_ROW.format(amount=2000), encoding="utf-8")
    result = snakemake(ws)
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((ws / "build/manifest.json").read_text(encoding="utf-8"))["inputs"]
    import hashlib

    assert manifest["inputs/x {y}.txt"] == hashlib.sha256(b"other notes").hexdigest()
    rows = (ws / "build/data/funding.rows.csv").read_text(encoding="utf-8")
    assert "2000" in rows and ",1000," not in rows


# --- 4. every submission format gets its annotated copy; none crashes its country ---------------------------

import struct  # noqa: E402
import zipfile  # noqa: E402
from xml.sax.saxutils import escape  # noqa: E402


def _write_ods(path, sheets):
    """A minimal OpenDocument spreadsheet (no odfpy here): {sheet name: rows of str/int/float}."""
    def cell(v):
        if v is None:
            return "<table:table-cell/>"
        if isinstance(v, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'
    tables = "".join(
        f'<table:table table:name="{escape(name)}">' + "".join(
            "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows) + "</table:table>"
        for name, rows in sheets.items())
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)


def _rec(kind, data=b""):
    return struct.pack("<HH", kind, len(data)) + data


def _xl_string(s, length_bytes):
    try:
        raw, flag = s.encode("latin-1"), 0
    except UnicodeEncodeError:
        raw, flag = s.encode("utf-16-le"), 1
    return struct.pack("<B" if length_bytes == 1 else "<H", len(s)) + bytes([flag]) + raw


def _write_xls(path, sheets):
    """A minimal Excel 97-2003 workbook (BIFF8 in a compound file; no xlwt here): {sheet: rows}."""
    bof = lambda dt: _rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 6))
    strings = sorted({v for rows in sheets.values() for row in rows for v in row if isinstance(v, str)})
    index = {s: i for i, s in enumerate(strings)}
    sst = _rec(0x00FC, struct.pack("<II", len(strings), len(strings)) + b"".join(_xl_string(s, 2) for s in strings))
    bodies = []
    for rows in sheets.values():
        cells = b""
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, str):
                    cells += _rec(0x00FD, struct.pack("<HHHI", r, c, 0, index[v]))
                elif v is not None:
                    cells += _rec(0x0203, struct.pack("<HHHd", r, c, 0, float(v)))
        width = max((len(r) for r in rows), default=0)
        dims = _rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
        bodies.append(bof(0x0010) + dims + cells + _rec(0x000A))
    names = list(sheets)
    bound_len = sum(len(_rec(0x0085, b"\0" * 6 + _xl_string(n, 1))) for n in names)
    offset = len(bof(5)) + bound_len + len(sst) + len(_rec(0x000A))
    bounds = b""
    for name, body in zip(names, bodies):
        bounds += _rec(0x0085, struct.pack("<IBB", offset, 0, 0) + _xl_string(name, 1))
        offset += len(body)
    stream = bof(5) + bounds + sst + _rec(0x000A) + b"".join(bodies)
    stream += b"\0" * (4096 - len(stream)) if len(stream) < 4096 else b""  # no mini stream to write
    sectors = -(-len(stream) // 512)
    assert sectors + 2 <= 128
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    fat = [0xFFFFFFFD, end] + [i + 1 for i in range(2, sectors + 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0) + struct.pack("<I", 0) + struct.pack("<I", free) * 108)

    def entry(name, kind, child, start, size):
        raw = (name + "\0").encode("utf-16-le") if name else b""
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1 if name else 0)
                + struct.pack("<III", free, free, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IQ", start, size))
    directory = (entry("Root Entry", 5, 1, end, 0) + entry("Workbook", 2, free, 2, len(stream))
                 + entry("", 0, free, 0, 0) * 2)
    Path(path).write_bytes(header + struct.pack("<128I", *fat) + directory + stream.ljust(sectors * 512, b"\0"))


def _write_xlsx_openpyxl_rejects(path, sheets):
    """An .xlsx calamine reads (so it validates) but openpyxl refuses: a style with a non-numeric format id."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        sheet = wb.create_sheet(name)
        for row in rows:
            sheet.append(row)
    tmp = Path(str(path) + ".tmp")
    wb.save(tmp)
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/styles.xml":
                data = data.replace(b'<cellXfs count="1">', b'<cellXfs count="1"><xf numFmtId="zz" fontId="0" '
                                    b'fillId="0" borderId="0" xfId="0"/>', 1)
            zout.writestr(info, data)
    tmp.unlink()


HEADER = ["organisation", "objective", "activity", "indicator", "admin1", "budget_usd", "target_refugees",
          "target_host_community"]
ROWS = [HEADER,
        ["UNHCR", "Access to education", "Enrolment", "# of children enrolled", "Adjumani", 50000, 2000, 100],
        ["NRC", "Access to education", "Classrooms", "# of classrooms built", "Yumbe", "about 1,200", 10, 0]]


def _annotated_cells(path: Path) -> tuple[list[list], dict]:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    problems = [[c.value for c in row] for row in wb["Problems"].iter_rows()]
    sheet = wb["Submission"]
    return problems, {"A2": sheet["A2"].value, "F2": sheet["F2"].value, "F3": sheet["F3"].value,
                      "F3 fill": sheet["F3"].fill.start_color.rgb, "F3 comment": sheet["F3"].comment.text}


# .xls is refused unread (test_hostile_intake: calamine's 16-bit grid), so it has no cells to annotate.
@pytest.mark.parametrize("suffix, write", [(".ods", _write_ods), (".xlsx", _write_xlsx_openpyxl_rejects)])
def test_a_workbook_openpyxl_cannot_open_gets_its_annotated_copy_as_xlsx(tmp_path, suffix, write):
    import json

    from rcm_docs.steps.validate import validate_country

    ws = copy_fixture(tmp_path / "ws")
    write(ws / f"inputs/submissions/UGA/EDU{suffix}", {"Notes": [["Filled in by the Education sector"]],
                                                        "Submission": ROWS})
    reports = ws / "build/reports/UGA"
    status = validate_country(root=ws, country="UGA", rows_out=ws / "build/data/UGA.rows.csv",
                              status_out=ws / "build/data/UGA.status.json", reports_dir=reports)
    edu = next(s for s in status["submissions"] if s["sector"] == "EDU")
    assert edu["verdict"] == "rejected" and edu["errors"] == 1
    problems, cells = _annotated_cells(reports / "EDU.annotated.xlsx")
    assert problems[0][:3] == ["Severity", "Sheet", "Row"]
    assert problems[1][:4] == ["error", "Submission", 3, "F3"]
    assert cells["A2"] == "UNHCR" and cells["F2"] == 50000 and cells["F3"] == "about 1,200"
    assert cells["F3 fill"].endswith("FFC7CE") and "Fix: " in cells["F3 comment"]
    assert "ERROR" in cells["F3 comment"]
    assert json.loads((ws / "build/data/UGA.status.json").read_text(encoding="utf-8"))["rejected"] == [f"inputs/submissions/UGA/EDU{suffix}"]


def test_an_old_xls_workbook_gets_a_plain_report_saying_to_save_it_as_xlsx(tmp_path):
    from rcm_docs.steps.validate import validate_country

    ws = copy_fixture(tmp_path / "ws")
    _write_xls(ws / "inputs/submissions/UGA/EDU.xls", {"Submission": ROWS})
    reports = ws / "build/reports/UGA"
    status = validate_country(root=ws, country="UGA", rows_out=ws / "build/data/UGA.rows.csv",
                              status_out=ws / "build/data/UGA.status.json", reports_dir=reports)
    edu = next(s for s in status["submissions"] if s["sector"] == "EDU")
    assert edu["verdict"] == "rejected" and not (reports / "EDU.annotated.xlsx").exists()
    assert ".xlsx" in (reports / "EDU.xls.md").read_text(encoding="utf-8")


def test_rcm_docs_validate_annotates_an_ods_too(tmp_path):
    from rcm_docs.commands import validate

    ws = copy_fixture(tmp_path / "ws")
    _write_ods(ws / "inputs/submissions/UGA/EDU.ods", {"Submission": ROWS})
    code, out = validate([str(ws / "inputs/submissions/UGA/EDU.ods")], annotate=str(tmp_path / "fixes"))
    assert code == 1 and "REJECTED" in out
    problems, cells = _annotated_cells(tmp_path / "fixes/EDU.annotated.xlsx")
    assert problems[1][3] == "F3" and cells["F3"] == "about 1,200"


def test_control_characters_and_formulas_in_a_csv_do_not_stop_its_annotated_copy(tmp_path):
    import openpyxl

    from rcm_docs.steps.validate import validate_country

    ws = copy_fixture(tmp_path / "ws")
    (ws / "inputs/submissions/UGA/EDU.csv").write_text(
        ",".join(HEADER) + "\n"
        "UNHCR,Access\x01 to education,=HYPERLINK(\"http://x\"),# of children enrolled,Adjumani,50000,2000,100\n"
        "NRC,Access to education,Classrooms,# of classrooms built,Yumbe,\"1,200\x02\",10,0\n", encoding="utf-8")
    reports = ws / "build/reports/UGA"
    validate_country(root=ws, country="UGA", rows_out=ws / "build/data/UGA.rows.csv",
                     status_out=ws / "build/data/UGA.status.json", reports_dir=reports)
    sheet = openpyxl.load_workbook(reports / "EDU.annotated.xlsx")["Submission"]
    assert sheet["B2"].value == "Access\ufffd to education" and sheet["C2"].data_type == "s"
    assert sheet["F3"].fill.start_color.rgb.endswith("FFC7CE")


def test_a_file_no_annotated_copy_can_be_made_of_does_not_fail_its_country(tmp_path, monkeypatch):
    from rcm_docs.intake.tables import annotate
    from rcm_docs.steps.validate import validate_country

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(annotate, "write_annotated", broken)
    ws = copy_fixture(tmp_path / "ws")
    _write_ods(ws / "inputs/submissions/UGA/EDU.ods", {"Submission": ROWS})
    reports = ws / "build/reports/UGA"
    status = validate_country(root=ws, country="UGA", rows_out=ws / "build/data/UGA.rows.csv",
                              status_out=ws / "build/data/UGA.status.json", reports_dir=reports)
    assert [s["verdict"] for s in status["submissions"]] == ["rejected", "accepted"]
    assert "No annotated copy of this file could be written (OSError: disk full)" in (reports / "EDU.ods.md").read_text(encoding="utf-8")
    assert not (reports / "EDU.annotated.xlsx").exists()


# --- 6. `rcm-docs validate` and the build say the same about every submission --------------------------------

def test_validate_and_the_build_report_the_same_problems_across_sector_files(tmp_path):
    import json

    from rcm_docs.commands import validate
    from rcm_docs.steps.validate import validate_country

    ws = copy_fixture(tmp_path / "ws")
    # The same legal aid activity appealed for by NRC under Protection and again under WASH.
    (ws / "inputs/submissions/KEN/WASH.csv").write_text(
        "organisation,objective,activity,indicator,admin1,budget_usd,target_refugees,target_host_community\n"
        "Norwegian Refugee Council,Water supply,Boreholes,# of boreholes,Turkana,90000,5000,0\n"
        "Norwegian Refugee Council,Access to asylum,Legal aid,# of people receiving legal aid,Turkana,200000,4000,1000\n", encoding="utf-8")

    code, out = validate([str(ws)], fmt="json")
    command = {r["file"]: r for r in json.loads(out)}
    reports = ws / "build/reports/KEN"
    status = validate_country(root=ws, country="KEN", rows_out=ws / "build/data/KEN.rows.csv",
                              status_out=ws / "build/data/KEN.status.json", reports_dir=reports)
    build = {s["file"]: s for s in status["submissions"]}

    wash = command["inputs/submissions/KEN/WASH.csv"]
    assert [(p["reason"], p["row"], p["severity"]) for p in wash["problems"]] == [("duplicate-across-sectors", 3, "warning")]
    assert "same organisation, activity, indicator and admin1 as inputs/submissions/KEN/PRO.csv row 3" in \
        wash["problems"][0]["message"]
    assert build["inputs/submissions/KEN/WASH.csv"]["verdict"] == wash["verdict"] == "accepted with warnings"
    assert "inputs/submissions/KEN/PRO.csv row 3" in (reports / "WASH.csv.md").read_text(encoding="utf-8")
    for file, s in build.items():  # every file: the same verdict and the same counts
        problems = command[file]["problems"]
        assert (s["verdict"], s["errors"], s["warnings"]) == (
            command[file]["verdict"], sum(p["severity"] == "error" for p in problems),
            sum(p["severity"] == "warning" for p in problems)), file

    # One file of the tree, and the same file checked before it is dropped in, say the same.
    _, one = validate([str(ws / "inputs/submissions/KEN/WASH.csv")])
    assert "ACCEPTED WITH WARNINGS" in one and "[duplicate-across-sectors]" in one
    candidate = tmp_path / "draft.csv"
    candidate.write_bytes((ws / "inputs/submissions/KEN/WASH.csv").read_bytes())
    _, before = validate([str(candidate)], workspace=str(ws), country="KEN", sector="WASH")
    assert "ACCEPTED WITH WARNINGS" in before and "inputs/submissions/KEN/PRO.csv row 3" in before


# --- 2. a failed render never takes the last good documents away ---------------------------------------------

def _built_copy(built: Path, dest: Path) -> Path:
    """A copy of the session's built fixture workspace, Snakemake's records and mtimes included."""
    import shutil

    shutil.copytree(built, dest, symlinks=True)
    return dest


def _stale(ws: Path) -> dict:
    import json

    path = ws / "build/stale.json"
    return json.loads(path.read_text(encoding="utf-8"))["documents"] if path.exists() else {}


def test_a_failed_render_keeps_the_last_good_documents_marked_stale_until_fixed(built, tmp_path):
    ws = _built_copy(built, tmp_path / "ws")
    good = {f: (ws / "build/rrp" / f).read_bytes() for f in ("KEN.docx", "KEN.pdf", "KEN.md", "UGA.docx")}
    charts = sorted(p.name for p in (ws / "build/charts/KEN").iterdir())
    assert not (ws / "build/stale.json").exists()

    # A template error in Kenya's chapter only: its render fails, the other documents build.
    (ws / "templates").mkdir()
    template = (ROOT / "templates/rrp.md.j2").read_text(encoding="utf-8")
    (ws / "templates/rrp.md.j2").write_text(template + '{% if code == "KEN" %}{{ no_such_variable }}{% endif %}\n', encoding="utf-8")
    for attempt in range(2):  # and again, with the error still there
        result = snakemake(ws, "--keep-going")
        assert result.returncode != 0
        assert (ws / "build/rrp/KEN.docx").read_bytes() == good["KEN.docx"]
        assert (ws / "build/rrp/KEN.pdf").read_bytes() == good["KEN.pdf"]
        md = (ws / "build/rrp/KEN.md").read_text(encoding="utf-8")
        note, rest = md.split("\n\n", 1)
        assert note.startswith("> **STALE**") and "no_such_variable" in note and rest.encode() == good["KEN.md"]
        assert {p.name for p in (ws / "build/charts/KEN").iterdir()} == set(charts) | {".snakemake_timestamp"}
        stale = _stale(ws)
        assert {"build/rrp/KEN.docx", "build/rrp/KEN.pdf", "build/rrp/KEN.md", "build/charts/KEN"} <= set(stale)
        assert "'no_such_variable' is undefined" in stale["build/rrp/KEN.docx"]["why"]
        assert stale["build/rrp/KEN.docx"]["log"] == "build/logs/render_rrp/KEN.log"
        assert not any(k.startswith("build/rrp/UGA") for k in stale)  # rebuilt, so not stale
        page = (ws / "build/index.html").read_text(encoding="utf-8")
        assert "Stale documents" in page and "&#x27;no_such_variable&#x27; is undefined" in page
        assert '<a href="rrp/KEN.docx" class="stale"' in page and '<a href="rrp/UGA.docx">' in page

    # Fixed: the next run rebuilds what was stale, without a complaint, and nothing is stale any more.
    (ws / "templates/rrp.md.j2").write_text(template, encoding="utf-8")
    result = snakemake(ws)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "incomplete" not in (result.stdout + result.stderr).lower()
    assert (ws / "build/rrp/KEN.md").read_bytes() == good["KEN.md"]
    assert (ws / "build/rrp/KEN.docx").read_bytes() == good["KEN.docx"]
    assert not (ws / "build/stale.json").exists()
    assert "Stale documents" not in (ws / "build/index.html").read_text(encoding="utf-8")
    dry = snakemake(ws, "-n")
    assert "Nothing to be done" in dry.stdout + dry.stderr


def test_after_a_failed_run_the_page_says_what_changed_and_what_is_stale_against_the_last_good_build(built, tmp_path):
    ws = _built_copy(built, tmp_path / "ws")
    before = (ws / "build/rrp/UGA.docx").read_bytes()
    p = ws / "inputs/submissions/UGA/PRO.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("80000", "95000"), encoding="utf-8")
    (ws / "templates").mkdir()
    template = (ROOT / "templates/rrp.md.j2").read_text(encoding="utf-8")
    (ws / "templates/rrp.md.j2").write_text(template + '{% if code == "KEN" %}{{ no_such_variable }}{% endif %}\n', encoding="utf-8")
    assert snakemake(ws, "--keep-going").returncode != 0
    page = (ws / "build/index.html").read_text(encoding="utf-8")
    assert page.index("Stale documents") < page.index("What changed since the last build")
    assert "<li>modified: <code>inputs/submissions/UGA/PRO.csv</code></li>" in page
    assert "href='review/rrp/UGA.redline.docx'" in page and (ws / "build/review/rrp/UGA.redline.docx").is_file()
    # The failed run is not the last build to compare with: the last one that succeeded still is.
    assert (ws / "build/.previous/rrp/UGA.docx").read_bytes() == before

    (ws / "templates/rrp.md.j2").write_text(template, encoding="utf-8")
    assert snakemake(ws).returncode == 0
    page = (ws / "build/index.html").read_text(encoding="utf-8")
    assert "Stale documents" not in page and "href='review/rrp/UGA.redline.docx'" in page
    assert "rrp/KEN.docx" not in page.split("<h2>Documents</h2>")[0]  # rebuilt, the same bytes: not a change
    assert (ws / "build/.previous/rrp/UGA.docx").read_bytes() == (ws / "build/rrp/UGA.docx").read_bytes() != before


def test_a_rejected_resubmission_keeps_the_merged_plan_data_too(built, tmp_path):
    ws = _built_copy(built, tmp_path / "ws")
    good = (ws / "build/plan/plan_rows.csv").read_bytes()
    p = ws / "inputs/submissions/UGA/PRO.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("80000", "eighty thousand"), encoding="utf-8")
    assert snakemake(ws, "--keep-going").returncode != 0
    assert (ws / "build/plan/plan_rows.csv").read_bytes() == good
    stale = _stale(ws)
    assert "inputs/submissions/UGA/PRO.csv" in stale["build/plan/plan_rows.xlsx"]["why"]
    assert "inputs/submissions/UGA/PRO.csv" in stale["build/rrp/UGA.docx"]["why"]  # not rebuilt: why
    assert "build/rrp/KEN.docx" not in stale
    page = (ws / "build/index.html").read_text(encoding="utf-8")
    assert '<a href="plan/plan_rows.csv" class="stale"' in page


def test_kept_copies_are_links_and_documents_the_plan_dropped_are_forgotten(tmp_path):
    from rcm_docs.steps import lastgood

    for name in ("KEN", "OLD"):
        (tmp_path / "build/rrp").mkdir(parents=True, exist_ok=True)
        (tmp_path / f"build/rrp/{name}.md").write_text(f"# {name}\n", encoding="utf-8")
        lastgood.keep([f"build/rrp/{name}.md"], f"build/logs/render_rrp/{name}.log", root=tmp_path)
    kept = tmp_path / "build/.last-good/rrp/KEN.md"
    assert kept.stat().st_ino == (tmp_path / "build/rrp/KEN.md").stat().st_ino  # no copy made
    lastgood.prune(tmp_path, ["build/rrp/KEN.md"])  # OLD is no longer in the plan
    assert kept.exists() and not (tmp_path / "build/.last-good/rrp/OLD.md").exists()
    (tmp_path / "build/rrp/KEN.md").unlink()
    (tmp_path / "build/rrp/OLD.md").unlink()
    stale = lastgood.restore(tmp_path, ["build/rrp/KEN.md", "build/rrp/OLD.md"])
    assert list(stale) == ["build/rrp/KEN.md"] and not (tmp_path / "build/rrp/OLD.md").exists()
    assert "not rebuilt" in stale["build/rrp/KEN.md"]["why"] and lastgood.is_stale(tmp_path / "build/rrp/KEN.md")
    assert kept.read_text(encoding="utf-8") == "# KEN\n"  # the note went into a new file, not into the kept copy


def test_validate_a_workspace_names_a_file_that_stops_the_build(tmp_path):
    from rcm_docs.commands import validate

    ws = copy_fixture(tmp_path / "ws")
    (ws / "inputs/submissions/KEN/notes.docx").write_text("minutes of the sector meeting", encoding="utf-8")
    assert snakemake(ws, "-n").returncode != 0  # the build stops before any job
    code, out = validate([str(ws)])
    assert code == 1 and "not read, so the build stops:" in out and "notes.docx: .docx files are not read" in out
