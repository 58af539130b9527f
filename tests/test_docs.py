"""The documentation stays true: every contract column and reason code is documented, and every relative
link in README.md and docs/*.md leads to a file that exists (and, with a #fragment, to one of its headings)."""
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from rcm_docs.intake.tables.contract import (
    ACTION_COLUMNS,
    BASE_COLUMNS,
    CAPACITY_COLUMNS,
    CAPACITY_UNITS,
    Reason,
)

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --- what the docs must say ------------------------------------------------------------------------------

WORKSPACE = _read(DOCS / "workspace.md")  # the data contract: columns, validation and its reason codes
PREPAREDNESS = _read(DOCS / "preparedness.md")  # the preparedness files' columns, units and reason codes


@pytest.mark.parametrize("column", [c.name for c in BASE_COLUMNS])
def test_docs_document_every_contract_column(column):
    assert f"`{column}`" in WORKSPACE


@pytest.mark.parametrize("reason", [r.value for r in Reason])
def test_docs_document_every_reason_code(reason):
    assert f"`{reason}`" in WORKSPACE + PREPAREDNESS


def test_docs_document_every_preparedness_column_and_unit():
    for c in ACTION_COLUMNS + CAPACITY_COLUMNS:
        assert f"| `{c.name}` |" in PREPAREDNESS, c.name
    for u in CAPACITY_UNITS:
        per = "not compared" if u.people is None else f"{u.people:g}" if u.people == int(u.people) else f"{u.people:.2f}"
        assert f"| `{u.name}` | {per}" in PREPAREDNESS, u.name


def test_readme_opens_with_the_quick_start_commands():
    text = _read(README)
    first_block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    assert first_block == (
        'pip install -e ".[test]" && snakemake --cores 2     # install, then build the example plan in inputs/\n'
        "pytest                                               # run the tests\n")
    assert text.split("\n## ", 2)[1].startswith("Quick start\n")  # the first section
    assert text.index("## Quick start") < text.index("```sh")


def test_readme_stays_short_and_links_every_doc():
    text = _read(README)
    assert len(text.splitlines()) < 250
    for doc in DOCS.glob("*.md"):
        assert f"](docs/{doc.name}" in text, doc.name


@pytest.mark.parametrize("doc", sorted(p.name for p in DOCS.glob("*.md")))
def test_each_doc_opens_with_its_title_and_a_summary(doc):
    blocks = _read(DOCS / doc).split("\n\n")
    assert blocks[0].startswith("# ") and "\n" not in blocks[0], doc
    assert not blocks[1].startswith(("#", "```", "|", "-")) and len(blocks[1]) > 200, doc


# --- links -----------------------------------------------------------------------------------------------

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
INLINE_LINK = re.compile(r"\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^()<>\s]+)>?(?:\s+\"[^\"]*\"|\s+'[^']*')?\s*\)")
LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")  # https:, mailto:, protocol-relative


def _outside_fences(text: str) -> tuple[list[str], list[str]]:
    """The lines outside fenced code blocks, and the headings among them."""
    prose, headings, fence = [], [], None
    for line in text.splitlines():
        m = FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line.strip(" `~"):
                fence = None
            prose.append("")
            continue
        if m:
            fence = m.group(1)
            prose.append("")
            continue
        prose.append(line)
        if (h := HEADING.match(line)) is not None:
            headings.append(h.group(1) or "")
    return prose, headings


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its rendered text lower-cased, every character but letters, digits,
    '_', '-' and spaces dropped, each space made a '-' (github-slugger)."""
    text = re.sub(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\([^)]*\)", r"\1", heading)  # a link shows its text
    text = re.sub(r"<[^>]+>", "", text)  # HTML tags show nothing
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every #fragment GitHub gives the headings of a Markdown text (a repeated one gets -1, -2 ...)."""
    out: set[str] = set()
    for heading in _outside_fences(text)[1]:
        base = slug = github_slug(heading)
        n = 0
        while slug in out:
            n += 1
            slug = f"{base}-{n}"
        out.add(slug)
    return out


def links(text: str) -> list[str]:
    """The targets of a Markdown text's links and images, outside code blocks and code spans."""
    prose = "\n".join(_outside_fences(text)[0])
    paragraphs = [CODE_SPAN.sub("", p) for p in re.split(r"\n[ \t]*\n", prose)]
    found = []
    for p in paragraphs:
        found += INLINE_LINK.findall(p) + LINK_DEFINITION.findall(p)
    return found


def broken_links(text: str, source: Path, root: Path = ROOT) -> list[str]:
    """The relative links of `text` (the content of the file `source`) that lead nowhere: to no file inside
    `root`, or to a heading the target file does not have."""
    broken = []
    for target in links(text):
        if EXTERNAL.match(target):
            continue
        path, _, fragment = target.partition("#")
        path = unquote(path)
        dest = source if not path else (root / path.lstrip("/") if path.startswith("/") else source.parent / path)
        dest = dest.resolve()
        if not dest.is_relative_to(root.resolve()) or not dest.exists():
            broken.append(f"{target}: no such file")
        elif fragment:
            page = text if dest == source.resolve() else dest.read_text(encoding="utf-8") if dest.suffix == ".md" else None
            if page is None or unquote(fragment) not in anchors(page):
                broken.append(f"{target}: no heading with that anchor")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page):
    assert broken_links(_read(page), page) == []


def test_the_docs_have_links_to_check():
    # The test above would pass vacuously if the link finder found nothing.
    targets = [t for page in PAGES for t in links(_read(page)) if not EXTERNAL.match(t)]
    assert len(targets) > 20 and any("#" in t for t in targets)


def test_github_slugs():
    assert github_slug("The workspace (data contract)") == "the-workspace-data-contract"
    assert github_slug("Numbers in the submitter's locale") == "numbers-in-the-submitters-locale"
    assert github_slug("`plan.yaml`") == "planyaml"
    assert github_slug("After an influx: `rcm-docs promote`") == "after-an-influx-rcm-docs-promote"
    assert github_slug("Preparedness: countries at risk before an influx") == "preparedness-countries-at-risk-before-an-influx"
    assert github_slug("Where [maps](maps.md) come from") == "where-maps-come-from"
    assert github_slug("Ñuble, Galápagos & days_to_deploy") == "ñuble-galápagos--days_to_deploy"
    assert anchors("# A\n## Speed\n### Speed\n```\n# not a heading\n```\n## Speed\n") == {"a", "speed", "speed-1", "speed-2"}


def test_the_checker_finds_broken_links(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "docs" / "other.md").write_text("# Other\n\n## Numbers in the submitter's locale\n\n## `plan.yaml`\n", encoding="utf-8")
    (tmp_path / "src" / "code.py").write_text("", encoding="utf-8")
    page = tmp_path / "docs" / "page.md"
    text = """# Page

## Here

Good: [other](other.md), [a heading](other.md#numbers-in-the-submitters-locale), [code](other.md#planyaml),
[up](../src/code.py), [a folder](../src/), [this page](#here), [root](/docs/other.md), [web](https://example.org/x#y),
[mail](mailto:a@b.org), ![an image](../src/code.py "title").

Broken: [gone](missing.md), [bad anchor](other.md#numbers), [here too](#nowhere), [no anchors in code](../src/code.py#L1),
[out of the repository](../../elsewhere.md), [a link whose
text wraps](gone-too.md).

[defined]: missing-definition.md

Not links: `[in code](missing-in-code.md)`, ``[`in` code](missing-too.md)``, [text] (missing-space.md)

```md
[in a fence](missing-in-fence.md)
```
"""
    page.write_text(text, encoding="utf-8")
    assert broken_links(text, page, tmp_path) == [
        "missing.md: no such file",
        "other.md#numbers: no heading with that anchor",
        "#nowhere: no heading with that anchor",
        "../src/code.py#L1: no heading with that anchor",
        "../../elsewhere.md: no such file",
        "gone-too.md: no such file",
        "missing-definition.md: no such file",
    ]
    fixed = re.sub(r"Broken:.*?\n\n\[defined\]: missing-definition.md\n", "", text, flags=re.S)
    assert broken_links(fixed, page, tmp_path) == []
