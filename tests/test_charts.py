import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pymupdf
import pytest

from rcm_docs import charts

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


def test_bar_chart_writes_svg_and_png(tmp_path):
    svg, png = draw(tmp_path)
    assert (svg.name, png.name) == ("chart.svg", "chart.png")
    assert svg.read_bytes().startswith(b"<?xml") and b"<svg" in svg.read_bytes()
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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.png", "chart.svg"]


SCRIPT = """
import sys
from pathlib import Path
from rcm_docs import charts
charts.bar_chart({labels!r}, {values!r}, "Requirements by sector", "USD", {source!r}, Path(sys.argv[1]) / "chart")
"""


def test_bar_chart_bytes_identical_across_processes(tmp_path):
    script = SCRIPT.format(labels=LABELS, values=VALUES, source=SOURCE)
    for run in ("a", "b"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / run)], check=True)
    draw(tmp_path / "c")
    for ext in ("svg", "png"):
        a, b, c = ((tmp_path / run / f"chart.{ext}").read_bytes() for run in "abc")
        assert a == b == c, ext


def test_bar_chart_bytes_identical_across_threads(tmp_path):
    threads = [threading.Thread(target=draw, args=(tmp_path / str(i),)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for ext in ("svg", "png"):
        assert len({(tmp_path / str(i) / f"chart.{ext}").read_bytes() for i in range(4)}) == 1, ext


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


def test_bar_chart_dollar_in_label_renders_literally(tmp_path, monkeypatch):
    from matplotlib.mathtext import MathTextParser

    def no_mathtext(*args, **kwargs):
        raise AssertionError("mathtext was triggered")

    monkeypatch.setattr(MathTextParser, "parse", no_mathtext)
    svg, png = charts.bar_chart(["Cash $ support", "$5 vouchers"], [1.0, 2.0], "Cash $ and $ vouchers", "USD",
                                SOURCE, tmp_path / "dollar")
    assert b">Cash $ support<" in svg.read_bytes() and b">Cash $ and $ vouchers<" in svg.read_bytes()


def test_grouped_bars_writes_svg_and_png(tmp_path):
    svg, png = charts.grouped_bars(LABELS, {"Requirements": VALUES, "Funded": [1e6, 2e6, 0]},
                                   "Requirements and funding", "USD", SOURCE, tmp_path / "grouped")
    assert svg.exists() and pymupdf.Pixmap(str(png)).width == round(17 / 2.54 * 200)


def test_grouped_bars_rejects_a_series_of_the_wrong_length(tmp_path):
    with pytest.raises(ValueError, match="one value per label"):
        charts.grouped_bars(LABELS, {"Funded": [1.0]}, "Funding", "USD", SOURCE, tmp_path / "bad")


def test_charts_for_country_has_the_sector_chart_only(tmp_path):
    out = charts.charts_for(small_figures(False), "2026-11-15", "USD", tmp_path, "COL")
    assert list(out) == ["requirements_by_sector"]


def test_charts_for_regional_adds_the_country_chart(tmp_path):
    out = charts.charts_for(small_figures(True), "2026-11-15", "USD", tmp_path, "regional")
    assert list(out) == ["requirements_by_sector", "requirements_by_country"]
    assert out["requirements_by_country"]["png"] == tmp_path / "regional-requirements_by_country.png"
    assert out["requirements_by_country"]["alt"] == ("Bar chart: financial requirements by country, "
                                                     "Colombia USD 4.0 million, Peru USD 677,500.")


def test_charts_for_sorts_bars_largest_first(tmp_path):
    fig = small_figures(False)
    fig["sectors"].reverse()
    alt = charts.charts_for(fig, "2026-11-15", "USD", tmp_path, "COL")["requirements_by_sector"]["alt"]
    assert alt.index("Protection") < alt.index("Education")


def test_chart_svg_embeds_in_typst(tmp_path):
    import font_lato
    import typst

    svg, _ = draw(tmp_path)
    (tmp_path / "doc.typ").write_text(f'#image("{svg.name}", width: 100%)\n')
    pdf = typst.compile(str(tmp_path / "doc.typ"), root=str(tmp_path), font_paths=[font_lato.font_directory])
    page = pymupdf.open(stream=pdf, filetype="pdf")[0]
    assert len(page.get_drawings()) >= 4  # bars and grid
    # Chart text stays text, set in Lato: a reader can search the PDF for a sector's name.
    text = page.get_text()
    assert "Requirements by sector" in text and "Water, Sanitation and Hygiene" in text and "3.7" in text
    assert {f[3].split("+")[-1] for f in page.get_fonts()} >= {"Lato-Regular", "Lato-Bold"}


def test_chart_png_is_the_svg_rasterised(tmp_path):
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
