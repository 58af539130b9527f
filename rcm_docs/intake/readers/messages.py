"""Key messages written by the drafter (inputs/narratives/<doc>/key_messages.md): a numbered list in which
computed figures are named in braces, e.g. "Partners require {requirements} ...". The names are checked
here, against FIGURES, so that an unknown one is a validation error with its line, never a blank."""
from __future__ import annotations

import difflib
import re
from pathlib import Path

from .markdown import NarrativeError, check_markdown

# The figures a key message may name, with what each prints (documents/messages.py computes them).
FIGURES = {
    "requirements": "financial requirements, e.g. USD 406.2 million",
    "funded": "funding received (committed and paid)",
    "percent_funded": "funding received as a share of the requirements, e.g. 25%",
    "funding_gap": "requirements less funding received",
    "pledged": "funding pledged, not yet committed",
    "people_in_need": "people in need (consolidated), or 'not provided'",
    "people_targeted": "people targeted, all population groups (consolidated)",
    "population_targeted": "people targeted among the plan's population, host communities apart",
    "host_targeted": "members of host communities targeted",
    "coverage": "people targeted as a share of people in need",
    "population": "the current population (planning figures)",
    "planning_figure": "the population planning figure for the end of the period",
    "partners": "appealing partners",
    "local_partners": "national and local partners among them",
    "local_share": "share of the requirements of national and local actors",
    "cash_share": "share of the requirements planned as cash and voucher assistance",
    "countries": "countries of the plan (regional documents)",
}

FUNDING = {"funded", "percent_funded", "funding_gap", "pledged"}

_ITEM = re.compile(r"^ {0,3}(\d{1,3})[.)][ \t]+(.*)$")
_NAME = re.compile(r"\{([^{}]*)\}")


def parse(text: str, name: str) -> list[tuple[int, str]]:
    """The numbered messages of a key_messages.md as (line, text), continuation lines joined; braces checked.
    Raises NarrativeError naming the line of an unknown figure or of text outside the numbered list."""
    check_markdown(text, name)
    messages: list[tuple[int, list[str]]] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        m = _ITEM.match(line)
        if m:
            messages.append((n, [m.group(2).strip()]))
        elif messages and line.startswith((" ", "\t")):
            messages[-1][1].append(line.strip())
        else:
            raise NarrativeError(f"{name}, line {n}: key messages are a numbered list ('1. ...', '2. ...'); this line "
                                 "is not part of one. Start it with the message's number, or indent it under the "
                                 "message it continues, then build again.")
    out = []
    for n, lines in messages:
        message = " ".join(lines)
        for k, line in enumerate(lines):
            _check_names(line, name, n + k)
        out.append((n, message))
    return out


def _check_names(line: str, name: str, n: int) -> None:
    plain = line.replace("{{", "").replace("}}", "")
    for m in _NAME.finditer(plain):
        key = m.group(1).strip()
        if key not in FIGURES:
            close = difflib.get_close_matches(key, list(FIGURES), n=1, cutoff=0.6)
            hint = f"Did you mean {{{close[0]}}}? " if close else ""
            raise NarrativeError(f"{name}, line {n}: {{{m.group(1)}}} names no figure. {hint}The figures a key message "
                                 f"can name are: {', '.join(FIGURES)}. Correct the name (write {{{{ and }}}} for a "
                                 "literal brace), then build again.")
    if "{" in _NAME.sub("", plain) or "}" in _NAME.sub("", plain):
        raise NarrativeError(f"{name}, line {n}: an unmatched brace. Figures are named in braces, e.g. {{requirements}}; "
                             "write {{ and }} for a literal brace, then build again.")


def names(message: str) -> set[str]:
    """The figures a checked message names."""
    return {m.group(1).strip() for m in _NAME.finditer(message.replace("{{", "").replace("}}", ""))}


def fill(message: str, values: dict[str, str]) -> str:
    """A checked message with its figures inserted (values already formatted, Markdown-safe)."""
    out = _NAME.sub(lambda m: values[m.group(1).strip()], message.replace("{{", "\0").replace("}}", "\1"))
    return out.replace("\0", "{").replace("\1", "}")


def read(root, doc: str) -> list[tuple[int, str]] | None:
    """The document's key messages, or None when the drafter has not written them."""
    from ...common.workspace import narrative_path

    rel = narrative_path(doc, "key_messages")
    path = Path(root) / rel
    if not path.is_file():
        return None
    from ...common.gate import UnsafeFile, read_text
    from .markdown import MAX_BYTES

    try:
        text = read_text(path, MAX_BYTES, shown=rel)  # a link out of the workspace is refused, never read
    except UnsafeFile as e:
        raise NarrativeError(str(e)) from None
    return parse(text, rel)


def problems(root, docs: list[str]) -> list[str]:
    """Every key_messages.md that would fail, with its message (for the validation summary)."""
    out = []
    for doc in docs:
        try:
            read(root, doc)
        except NarrativeError as e:
            out.append(str(e))
    return out
