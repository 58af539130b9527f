import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pymupdf
import pytest

from rcm_docs.documents.pictures import charts

SOURCE = "Source: sector submissions, as of 15 November 2026"
LABELS = ["Protection", "Water, Sanitation and Hygiene", "Education"]
VALUES = [3_727_500, 3_044_000, 950_000]


def draw(out_dir: Path, labels=LABELS, values=VALUES, name="chart") -> list[Path]:
    return charts.bar_chart(labels, values, "Requirements by sector", "USD", SOURCE, out_dir / name)


def small_figures(with_countries: bool) -> dict:
    fig = {"sectors": [{"code": "PRO", "name": "Protection", "requirements": 3_727_500},
                       {"code": "EDU", "name": "Education", "requirements": 950_000}]}
    if with_countries:
        fig["countries"] = [{"code": "COL", "name": "Colombia", "requirements": 4_000_000},
                            {"code": "PER", "name": "Peru", "requirements": 677_500}]
    return fig


def test_bar_chart_writes_its_typst_call_and_png(tmp_path):
    typ, png = draw(tmp_path)
    assert (typ.name, png.name) == ("chart.typ", "chart.png")
    assert typ.read_text(encoding="utf-8").startswith("rcm-chart((title: \"Requirements by sector\"")
    assert png.read_bytes().startswith(b"\x89PNG")


def test_bar_chart_png_is_a4_text_width_at_200_dpi(tmp_path):
    _, png = draw(tmp_path)
    assert pymupdf.Pixmap(str(png)).width == round(17 / 2.54 * 200)


def test_bar_chart_height_grows_by_07_cm_per_bar(tmp_path):
    small = pymupdf.Pixmap(str(draw(tmp_path, LABELS[:1], VALUES[:1], "one")[1])).height
    large = pymupdf.Pixmap(str(draw(tmp_path, LABELS * 3, VALUES * 3, "nine")[1])).height
    assert abs((large - small) - 8 * 0.7 / 2.54 * 200) <= 1


def test_bar_chart_leaves_no_temporary_files(tmp_path):
    draw(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.png", "chart.typ"]


SCRIPT = """
import sys
from pathlib import Path
from rcm_docs.documents.pictures import charts
charts.bar_chart({labels!r}, {values!r}, "Requirements by sector", "USD", {source!r}, Path(sys.argv[1]) / "chart")
"""


def test_bar_chart_bytes_identical_across_processes(tmp_path):
    # Each run in a folder of its own, so each has its own drawn-chart cache: every chart is really drawn.
    script = SCRIPT.format(labels=LABELS, values=VALUES, source=SOURCE)
    for run in ("a", "b"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / run / "charts")], check=True)
    draw(tmp_path / "c" / "charts")
    for ext in ("typ", "png"):
        a, b, c = ((tmp_path / run / "charts" / f"chart.{ext}").read_bytes() for run in "abc")
        assert a == b == c, ext


def test_bar_chart_bytes_identical_across_threads(tmp_path):
    threads = [threading.Thread(target=draw, args=(tmp_path / str(i) / "charts",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for ext in ("typ", "png"):
        assert len({(tmp_path / str(i) / "charts" / f"chart.{ext}").read_bytes() for i in range(4)}) == 1, ext


def test_a_chart_drawn_before_is_not_drawn_again_and_a_changed_one_is(tmp_path, monkeypatch):
    import os
    import time

    from rcm_docs.documents.typeset import compiler as typeset

    build = tmp_path / "build" / "charts"
    first = draw(build / "BRA")[1].read_bytes()  # as the Brazil chapter's step draws it
    drawn = []
    real = typeset.compile
    monkeypatch.setattr(typeset, "compile", lambda *a, **k: drawn.append(1) or real(*a, **k))
    # Snakemake empties a document's chart folder before its step runs again: the chart comes from the cache.
    (build / "BRA" / "chart.png").unlink()
    assert draw(build / "BRA")[1].read_bytes() == first and drawn == []
    # One figure changed: drawn again, and the new chart is not the old one.
    assert draw(build / "BRA", LABELS, [VALUES[0] + 1000] + VALUES[1:])[1].read_bytes() != first and drawn == [1]
    # Pruning forgets what no build has used for two weeks, and keeps the rest.
    cache = sorted((build / charts.CACHE).glob("*.png"))
    assert len(cache) == 2
    old = time.time() - 15 * 86400
    os.utime(cache[0], (old, old))
    assert charts.prune_chart_cache(build) == 1 and sorted((build / charts.CACHE).glob("*.png")) == cache[1:]


def test_alt_text_lists_every_label_and_value():
    alt = charts.alt_text("Bar chart", "Requirements by sector", LABELS, {"Requirements": VALUES}, "USD")
    assert alt == ("Bar chart: requirements by sector, Protection USD 3.7 million, "
                   "Water, Sanitation and Hygiene USD 3.0 million, Education USD 950,000.")


def test_alt_text_of_grouped_bars_names_each_series():
    alt = charts.alt_text("Grouped bar chart", "Reached and targeted", ["Peru"],
                          {"Reached": [45_000], "Targeted": [1_200_000]}, "people")
    assert alt == "Grouped bar chart: reached and targeted; Peru: Reached 45,000 people, Targeted 1.2 million people."


def test_value_labels_in_millions_never_show_zero_for_a_real_amount():
    assert [charts._value_label(v, True) for v in (3.7275, 0.04, 0)] == ["3.7", "<0.1", "0"]
    assert charts._value_label(950_000, False) == "950,000"


def test_bar_chart_dollar_and_markup_in_labels_render_literally(tmp_path):
    """Names from inputs are data: '$', '#', '*' and quotes are drawn as typed, never read as Typst markup."""
    labels = ["Cash $ support", "#1 *partner* \"quoted\" \\ back"]
    typ, png = charts.bar_chart(labels, [1.0, 2.0], "Cash $ and $ vouchers", "USD", SOURCE, tmp_path / "dollar")
    page = pymupdf.open(stream=_chart_pdf(typ), filetype="pdf")[0]
    text = page.get_text()
    assert all(lb in text for lb in labels) and "Cash $ and $ vouchers" in text


def _chart_pdf(typ: Path) -> bytes:
    from rcm_docs.documents.typeset import compiler as typeset

    return typeset.compile(charts.library() + "\n#" + typ.read_text(encoding="utf-8"))


def test_grouped_bars_writes_typ_and_png(tmp_path):
    typ, png = charts.grouped_bars(LABELS, {"Requirements": VALUES, "Funded": [1e6, 2e6, 0]},
                                   "Requirements and funding", "USD", SOURCE, tmp_path / "grouped")
    assert typ.exists() and pymupdf.Pixmap(str(png)).width == round(17 / 2.54 * 200)


def test_grouped_bars_rejects_a_series_of_the_wrong_length(tmp_path):
    with pytest.raises(ValueError, match="one value per label"):
        charts.grouped_bars(LABELS, {"Funded": [1.0]}, "Funding", "USD", SOURCE, tmp_path / "bad")


def test_charts_for_country_has_the_sector_chart_and_its_first_page_copy(tmp_path):
    out = charts.charts_for(small_figures(False), "2026-11-15", "USD", tmp_path, "COL")
    assert list(out) == ["requirements_by_sector", "glance_sectors"]
    assert out["glance_sectors"]["alt"] == out["requirements_by_sector"]["alt"]
    # Drawn a column wide (8.25 cm at 200 dpi) for the at-a-glance page.
    assert pymupdf.Pixmap(str(out["glance_sectors"]["png"])).width == round(8.25 / 2.54 * 200)
    assert "compact: true" in out["glance_sectors"]["typ"].read_text(encoding="utf-8")


def test_charts_for_regional_adds_the_country_chart(tmp_path):
    out = charts.charts_for(small_figures(True), "2026-11-15", "USD", tmp_path, "regional")
    assert list(out) == ["requirements_by_sector", "requirements_by_country", "glance_sectors"]
    assert out["requirements_by_country"]["png"] == tmp_path / "regional-requirements_by_country.png"
    assert out["requirements_by_country"]["alt"] == ("Bar chart: financial requirements by country, "
                                                     "Colombia USD 4.0 million, Peru USD 677,500.")


def test_charts_for_sorts_bars_largest_first(tmp_path):
    fig = small_figures(False)
    fig["sectors"].reverse()
    alt = charts.charts_for(fig, "2026-11-15", "USD", tmp_path, "COL")["requirements_by_sector"]["alt"]
    assert alt.index("Protection") < alt.index("Education")


def test_chart_in_the_pdf_is_vector_with_searchable_text(tmp_path):
    typ, _ = draw(tmp_path)
    page = pymupdf.open(stream=_chart_pdf(typ), filetype="pdf")[0]
    assert len(page.get_drawings()) >= 4  # bars and grid
    # Chart text stays text, set in Lato: a reader can search the PDF for a sector's name.
    text = page.get_text()
    assert "Requirements by sector" in text and "Water, Sanitation and Hygiene" in text and "3.7" in text
    assert {f[3].split("+")[-1] for f in page.get_fonts()} >= {"Lato-Regular", "Lato-Bold"}


def test_chart_axis_has_round_steps_and_value_room(tmp_path):
    typ, _ = draw(tmp_path)  # largest 3.7 million: an axis in whole USD millions, 0 to 3
    text = pymupdf.open(stream=_chart_pdf(typ), filetype="pdf")[0].get_text().split()
    assert {"0", "1", "2", "3"} <= set(text) and "0.5" not in text and "2.5" not in text
    assert "USD" in text and "millions" in text


def test_chart_png_shows_the_drawing(tmp_path):
    """The DOCX shows the very drawing the PDF shows: dark title pixels at the top-left, bars in UNHCR blue."""
    _, png = draw(tmp_path)
    pix = pymupdf.Pixmap(str(png))
    rows = [[pix.pixel(x, y) for x in range(0, pix.width, 4)] for y in range(0, pix.height, 4)]
    assert any(p[:3] == (0, 114, 188) for row in rows for p in row)  # #0072BC, the highlighted bar colour
    assert any(sum(p[:3]) < 200 for row in rows[:20] for p in row[:100])  # the navy title, top left


def test_chart_png_embeds_in_docx(tmp_path):
    import pypandoc

    _, png = draw(tmp_path)
    out = tmp_path / "doc.docx"
    pypandoc.convert_text(f"![Bar chart: requirements]({png.name}){{width=100%}}\n", "docx", format="markdown",
                          outputfile=str(out), extra_args=[f"--resource-path={tmp_path}"])
    with zipfile.ZipFile(out) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert [z.read(n) for n in media] == [png.read_bytes()]


def test_a_captioned_chart_does_not_repeat_its_caption_and_the_first_page_copy_keeps_its_title(tmp_path):
    out = charts.charts_for(small_figures(False), "2026-11-15", "USD", tmp_path, "COL")
    captioned = pymupdf.open(stream=_chart_pdf(out["requirements_by_sector"]["typ"]), filetype="pdf")[0].get_text()
    glance = pymupdf.open(stream=_chart_pdf(out["glance_sectors"]["typ"]), filetype="pdf")[0].get_text()
    # The document captions it "Figure N: Financial requirements by sector"; the drawing says the unit only.
    assert "Financial requirements by sector" not in captioned and "USD millions" in captioned
    assert "Financial requirements by sector" in glance and "USD millions" in glance
    assert out["requirements_by_sector"]["alt"].startswith("Bar chart: financial requirements by sector")
