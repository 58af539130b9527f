"""The build's one warm Typst compiler: document PDFs and chart PNGs.

A reused compiler keeps its fonts and caches between calls (~10 ms a compile against ~180 ms for a
fresh `typst compile`). It is not thread-safe, and build steps may be threads: calls take a lock.
Its project root is an empty folder of its own: a source reads no file (`read`, `image`, `include`),
whatever folder the build runs in. Typst has no time limit of its own; what it is given is bounded
instead (narratives are checked in intake/readers/markdown.py, values come as sys.inputs, not source).
"""
from __future__ import annotations

import datetime as dt
import tempfile
import threading

from ...common.errors import InputError


class TypesetError(InputError):
    """Typst refused the source: the message and hints say where."""


_compiler = None
_root = None  # the compiler's empty project root, removed when the process ends
_lock = threading.Lock()


def font_dirs() -> list[str]:
    import font_lato

    return [font_lato.font_directory]


def string(text: str, keep_newlines: bool = False) -> str:
    """A Typst string literal; line breaks become spaces unless kept (as \\n)."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    return '"' + body.replace("\n", "\\n" if keep_newlines else " ") + '"'


def literal(value) -> str:
    """A Python value as a Typst literal: str, number, bool, None, list/tuple (array), dict (dictionary)."""
    import math

    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value}")
        return repr(float(value))  # numpy's float64 repr is "np.float64(1.5)"
    if isinstance(value, str):
        return string(value, keep_newlines=True)
    if isinstance(value, (list, tuple)):
        items = [literal(v) for v in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + ")" if value else "(:)"
    raise TypeError(f"no Typst literal for {type(value).__name__}")


def compile(source: str, *, epoch: int | None = None, format: str = "pdf", ppi: float | None = None,
            inputs: dict[str, str] | None = None) -> bytes:
    """Typst source -> PDF bytes (or the first page as PNG). Only Lato and fonts under font_dirs() are
    seen, so the output does not depend on what the machine has installed. `inputs` are the source's
    sys.inputs: values that stay data whatever they contain."""
    import typst

    global _compiler, _root
    # Always given: the compiler would otherwise keep the previous document's.
    kwargs = {"format": format, "sys_inputs": {str(k): str(v) for k, v in (inputs or {}).items()}}
    if epoch is not None:
        kwargs["timestamp"] = dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    if ppi is not None:
        kwargs["ppi"] = ppi
    with _lock:
        if _compiler is None:
            _root = tempfile.TemporaryDirectory(prefix="rcm-typst-")
            _compiler = typst.Compiler(font_paths=font_dirs(), ignore_system_fonts=True, root=_root.name)
        try:
            return _compiler.compile(input=source.encode("utf-8"), **kwargs)
        except typst.TypstError as e:
            raise TypesetError(f"typst: {e.message} {e.hints}") from None
