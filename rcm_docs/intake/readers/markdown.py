"""Markdown written by people (narratives, key messages, sitrep highlights, preparedness texts): the bounds
it is held to before pandoc and Typst see it, read from the workspace, made safe to place inside a document."""
from __future__ import annotations

import re
from pathlib import Path

from ...common.errors import InputError
from ...common.gate import UnsafeFile, read_text

# What a narrative may hold. pandoc's Markdown reader backtracks on square brackets, exponentially in
# their depth (each level doubles its time: 14 levels took minutes and gigabytes); pandoc's Typst writer
# is quadratic in the length of a word; Typst stops at about 32 nested blocks and is quadratic in the
# length of a paragraph full of brackets. pandoc runs under a time bound (documents/pandoc.py), but
# Typst runs in-process and cannot be stopped: for it these checks are the bound. Ordinary writing stays
# far below them, and within all of them a 200 KB narrative converts in seconds. One over a bound is
# refused before pandoc or Typst see it, naming the file, the line and what to simplify.
MAX_BYTES = 200 * 1024  # a long chapter narrative is 10-20 KB
MAX_LINES = 5_000  # 200 KB of prose is ~2,500 lines; pandoc slows on many tiny blocks (same-named headings)
MAX_WORD = 1000  # characters without a space: a long URL fits
MAX_NESTING = 20  # block quotes, list levels and ::: blocks around one line; Typst fails at ~32
MAX_PARAGRAPH = 20_000  # characters between blank lines (not counting tables and list items): 10 pages
MAX_BRACKET_DEPTH = 4  # [ inside [ inside ...: '[see [1]](url)' is 2
MAX_BRACKETS = 10_000  # '[' in one narrative: a link each 20 characters of a 200 KB file


class NarrativeError(InputError, ValueError):
    """A narrative pandoc or Typst cannot be trusted with: the message names the file (relative to the
    workspace), the line and what to simplify. It fails the documents that include the narrative."""


_FENCE = re.compile(r" {0,3}(```|~~~)")
_RULE = re.compile(r" {0,3}([-*_])( *\1){2,} *$")  # '* * * *' is a rule, not four list items
# What opens a container at the start of a line: a quote, or a list item ('-', '1.', '#.', 'a)', 'iv.', '(@)').
_OPENER = re.compile(r"[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)]|#[.)]|[a-zA-Z]{1,4}[.)]|\([a-zA-Z0-9#@]{1,9}\))(?=[ \t]|$))")
_DIV = re.compile(r" {0,3}:{3,}[ \t]*(\S?)")
_LONG_WORD = re.compile(rf"[^ \t\r\n]{{{MAX_WORD + 1},}}")  # pandoc splits words at spaces and tabs only


def check_markdown(text: str, name: str) -> None:
    """Raise NarrativeError if the narrative `name` exceeds a bound. Linear in its length."""
    def refuse(line: int, what: str, fix: str):
        raise NarrativeError(f"{name}, line {line}: {what}. {fix}, then build again.")

    word = _LONG_WORD.search(text)
    if word:
        refuse(text.count("\n", 0, word.start()) + 1, f"a word of {len(word.group()):,} characters with no space "
               f"(at most {MAX_WORD:,})", "Break it up with spaces or line breaks")
    if text.count("\n") >= MAX_LINES:
        refuse(MAX_LINES + 1, f"more than {MAX_LINES:,} lines", "Shorten it or move detail to an annex")
    if text.count("[") > MAX_BRACKETS:
        refuse(1, f"{text.count('['):,} square brackets (at most {MAX_BRACKETS:,})", "Use fewer links and brackets")
    fence, divs, brackets, paragraph = False, 0, 0, 0
    for n, line in enumerate(text.split("\n"), start=1):  # numbered as editors number them
        if _FENCE.match(line):
            fence = not fence
        if fence:
            continue  # code is shown as typed: neither parsed for brackets nor nested
        if not line.strip():
            brackets = paragraph = 0  # pandoc parses brackets within a paragraph; Typst lays one out at a time
            continue
        div = _DIV.match(line)
        if div:
            divs = divs + 1 if div.group(1) else max(divs - 1, 0)
        depth, pos = divs, 0
        if not _RULE.match(line):
            while (m := _OPENER.match(line, pos)) and m.end() > pos:
                depth, pos = depth + 1, m.end()
            if pos:  # a list item's indentation nests it too, by about two spaces a level
                indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
                depth += indent // 2
        if depth > MAX_NESTING:
            refuse(n, f"block quotes, lists or ::: blocks nested {depth} deep (at most {MAX_NESTING})",
                   "Flatten them")
        # Typst's time grows with the square of a paragraph's length; a list item or table row starts anew.
        paragraph = len(line) if pos or line.lstrip().startswith(("|", "+")) else paragraph + len(line) + 1
        if paragraph > MAX_PARAGRAPH:
            refuse(n, f"a paragraph of more than {MAX_PARAGRAPH:,} characters", "Split it with blank lines")
        escaped = False
        for c in line:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == "[":
                brackets += 1
                if brackets > MAX_BRACKET_DEPTH:
                    refuse(n, f"square brackets nested more than {MAX_BRACKET_DEPTH} deep", "Remove the extra [ and ]")
            elif c == "]":
                brackets = max(brackets - 1, 0)


def demote_headings(markdown: str, by: int) -> str:
    """Narrative '# Needs' becomes a sub-heading of the section it is placed in (at most level 6, the
    deepest Markdown has: a seventh '#' would print the hashes)."""
    out, fence = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if not fence and re.match(r"^#{1,6}\s", line):
            level = len(line) - len(line.lstrip("#"))
            line = "#" * (min(level + by, 6) - level) + line
        out.append(line)
    return "\n".join(out).strip("\r\n").rstrip() + "\n"


def markdown_file(root, name: str, demote: int) -> str | None:
    """A narrative or highlight written by people (`name` relative to the workspace): None when absent or
    empty; checked against the bounds above; headings demoted."""
    path = Path(root) / name
    if not path.is_file():
        return None
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise NarrativeError(f"{name}: {size / 1024:,.0f} KB (at most {MAX_BYTES // 1024} KB). "
                             "Shorten it or move detail to an annex, then build again.")
    try:
        text = read_text(path, MAX_BYTES, shown=name)  # a link out of the workspace is refused, never read
    except UnsafeFile as e:
        raise NarrativeError(str(e)) from None
    # Blank lines go, but not the first line's indentation: it places a simple table's columns or
    # makes an indented code block.
    text = re.sub(r"^(?:[ \t]*\r?\n)+", "", text).rstrip()
    if not text:
        return None
    check_markdown(text, name)
    # A '---' line could open a YAML metadata block that rewrites the title: make it a plain rule.
    # Only three: a longer line of dashes is a table's border, and opens no metadata.
    text = re.sub(r"(?m)^(-{3}|\.{3})[ \t]*\r?$", "* * *", text)
    return demote_headings(own_notes(text, name), demote)


FOOTNOTE_MARK = re.compile(r"\[\^([^\]\s^]+)\]")


def own_notes(markdown: str, name: str) -> str:
    """Footnote labels made the file's own: every sector lead numbers notes [^1], and in a document
    holding several narratives pandoc gives every [^1] the text of the last '[^1]:' it reads."""
    prefix = re.sub(r"[^A-Za-z0-9]+", "-", name.removeprefix("inputs/").removesuffix(".md"))
    out, fence = [], False
    for line in markdown.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        out.append(line if fence else FOOTNOTE_MARK.sub(lambda m: f"[^{prefix}-{m.group(1)}]", line))
    return "\n".join(out)
