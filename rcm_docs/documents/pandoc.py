"""One long-lived, sandboxed pandoc per process (pandoc_server.lua), spoken to in JSON over a pipe."""
from __future__ import annotations

import threading
from pathlib import Path

from .render import RenderError, timed

# Narratives are Markdown from sector leads: formatting yes, raw OpenXML/HTML/TeX/Typst no.
PANDOC_FROM = "markdown-raw_html-raw_tex-raw_attribute-native_divs-native_spans-tex_math_dollars-tex_math_single_backslash"


class _PandocServer:
    """A long-lived `pandoc lua pandoc_server.lua` answering JSON requests, one per line. One per process
    (workers each have their own); threads of a process take turns. Restarted if it ever dies."""

    def __init__(self):
        self.proc = None
        self.lock = threading.Lock()

    def _start(self):
        import subprocess
        import tempfile

        import pypandoc

        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([pypandoc.get_pandoc_path(), "lua", str(Path(__file__).with_name("pandoc_server.lua"))],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr)

    def ask(self, request: dict) -> dict:
        import json

        line = (json.dumps(request) + "\n").encode("utf-8")
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self._start()
            try:
                self.proc.stdin.write(line)
                self.proc.stdin.flush()
                reply = self.proc.stdout.readline()
            except BrokenPipeError:
                reply = b""
            except BaseException:  # interrupted mid-request: its reply must not answer the next one
                self.proc.kill()
                self.proc.wait()
                self.proc = None
                raise
            if not reply:
                code = self.proc.wait()
                self.stderr.seek(0)
                why = self.stderr.read().decode("utf-8", "replace").strip()[-2000:]
                self.proc = None
                raise RenderError(f"pandoc stopped (exit code {code}): {why}")
        return json.loads(reply)


_server = _PandocServer()


def warm() -> None:
    """Start this process's pandoc server and load python-docx before the first document needs them."""
    import docx  # noqa: F401

    _pandoc("warm", "typst")


def _pandoc(md: str, to: str, **options) -> str:
    """Markdown text -> Typst source, or -> a DOCX at options['out'], by the process's pandoc server."""
    with timed(f"pandoc {to}"):
        reply = _server.ask({"md": md, "from": PANDOC_FROM, "to": to, **options})
    if "error" in reply:
        raise RenderError(f"pandoc ({to}): {reply['error']}")
    return reply.get("text", "")
