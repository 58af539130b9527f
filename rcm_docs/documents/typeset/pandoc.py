"""One long-lived, sandboxed pandoc per process (pandoc_server.lua), spoken to in JSON over a pipe."""
from __future__ import annotations

import threading
from pathlib import Path

from ..render import RenderError, timed

# Narratives are Markdown from sector leads: formatting yes, raw OpenXML/HTML/TeX/Typst no. No citations
# either: '@UNHCR' is a mention, not a reference into a bibliography the documents do not have (Typst
# refused the PDF); without them pandoc also backtracks far less on brackets.
PANDOC_FROM = ("markdown-raw_html-raw_tex-raw_attribute-native_divs-native_spans-tex_math_dollars"
               "-tex_math_single_backslash-citations")

# pandoc's Markdown reader backtracks, exponentially on some inputs (nested brackets: 14 levels take
# minutes and gigabytes). intake/readers/markdown.py refuses the known shapes; these bounds catch the rest.
# A document converts in well under a second, so a minute means pandoc is stuck, not busy.
PANDOC_TIMEOUT_S = 60
PANDOC_MEMORY_BYTES = 2 * 1024**3  # address space of the server: 10x what the largest build needs

_SIMPLIFY = ("simplify the narratives it includes: deeply nested brackets, block quotes or lists, "
             "very long words or very long files")


class _PandocServer:
    """A long-lived `pandoc lua pandoc_server.lua` answering JSON requests, one per line. One per process
    (workers each have their own); threads of a process take turns. Restarted if it ever dies, and killed
    (restarted at the next request) when a request outlives PANDOC_TIMEOUT_S."""

    def __init__(self):
        self.proc = None
        self.stderr = None
        self.lock = threading.Lock()

    def _start(self):
        import resource
        import subprocess
        import tempfile

        import pypandoc

        limit = PANDOC_MEMORY_BYTES

        def bounded():  # in the child, between fork and exec: one system call, no lock another thread may hold
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([pypandoc.get_pandoc_path(), "lua", str(Path(__file__).with_name("pandoc_server.lua"))],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     preexec_fn=bounded)

    def _stop(self) -> str:
        """Kill the server (if still running) and return the end of what it said on stderr."""
        self.proc.kill()
        self.proc.wait()
        self.proc = None
        self.stderr.seek(0)
        why = self.stderr.read().decode("utf-8", "replace").strip()[-2000:]
        self.stderr.close()  # one temporary file per server, not one per restart
        return why

    def _reply(self, timeout: float) -> bytes:
        """The reply line, or b"" if pandoc ended; raises TimeoutError after `timeout` seconds. Read with
        select and os.read, never readline: a pandoc stuck on a request must not hold this thread forever."""
        import os
        import select
        import time

        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        chunks = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if not select.select([fd], [], [], left)[0]:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return b""
            chunks.append(chunk)
            if chunk.endswith(b"\n"):  # one reply per request, one line each: nothing follows it
                return b"".join(chunks)

    def ask(self, request: dict, timeout: float | None = None) -> dict:
        import json

        timeout = PANDOC_TIMEOUT_S if timeout is None else timeout
        line = (json.dumps(request) + "\n").encode("utf-8")
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                if self.proc is not None:
                    self._stop()
                self._start()
            self.stderr.seek(0)
            self.stderr.truncate()  # what pandoc says about this request only
            try:
                self.proc.stdin.write(line)
                self.proc.stdin.flush()
                reply = self._reply(timeout)
            except BrokenPipeError:
                reply = b""
            except TimeoutError:
                self._stop()
                raise RenderError(f"pandoc ({request.get('to')}) took more than {timeout:g} s and was stopped: "
                                  f"{_SIMPLIFY}") from None
            except BaseException:  # interrupted mid-request: its reply must not answer the next one
                self._stop()
                raise
            if not reply:
                code = self.proc.wait()
                why = self._stop()
                if code == 251 or "out of memory" in why:  # GHC's exit code when an allocation fails
                    raise RenderError(f"pandoc ({request.get('to')}) ran out of memory (limit "
                                      f"{PANDOC_MEMORY_BYTES // 1024**2} MB) and was stopped: {_SIMPLIFY}")
                raise RenderError(f"pandoc stopped (exit code {code}): {why}")
        return json.loads(reply)


_server = _PandocServer()


def server_cpu_seconds() -> float:
    """CPU seconds this process's pandoc server has used so far (Linux; 0 elsewhere or with no server):
    a build step's log counts them with the step's own."""
    import os

    proc = _server.proc
    if proc is None:
        return 0.0
    try:
        with open(f"/proc/{proc.pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    except (OSError, ValueError, IndexError):
        return 0.0


def warm() -> None:
    """Start this process's pandoc server and load python-docx before the first document needs them."""
    import docx  # noqa: F401

    run_pandoc("warm", "typst")


def run_pandoc(md: str, to: str, **options) -> str:
    """Markdown text -> Typst source, or -> a DOCX at options['out'], by the process's pandoc server."""
    with timed(f"pandoc {to}"):
        reply = _server.ask({"md": md, "from": PANDOC_FROM, "to": to, **options})
    if "error" in reply:
        raise RenderError(f"pandoc ({to}): {reply['error']}")
    return reply.get("text", "")
