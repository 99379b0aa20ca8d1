"""The server-side SVG charts (reports/charts.py) and their include: valid, accessible,
CSP-safe markup that fits its viewBox, the memo's small-count rule, a summary that names the
main finding, and the data table beside every chart. The charts speak the active language:
Dutch here (as in the memo), English at the end."""

import math
import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from reports import charts
from reports.charts import (
    Chart,
    grouped_bars,
    heat_map,
    recurrence,
    small_count,
    status_bars,
)

SVG = "{http://www.w3.org/2000/svg}"
FONT = "Liberation Sans, DejaVu Sans, Arial, sans-serif"
BODIES = ["Rekenkamer", "Klachtencommissaris", "Functionaris gegevensbescherming", "Ombudsman"]
NASTY = "R&D <test> \"x\" 'y'"


def heat() -> Chart:
    return heat_map(
        key="heat",
        title="Thema’s per orgaan & <meer>",
        themes=["Tijdigheid", "Motivering", NASTY],
        bodies=BODIES,
        counts=[[0, 1, 2, 3], [6, 0, 5, 9], [0, 0, 0, 1]],
        rode_draden={"Motivering"},
    )


def bars() -> Chart:
    return grouped_bars(
        key="bars",
        title="Signalen per orgaan",
        categories=[*BODIES, NASTY],
        series=["Tijdigheid", "Bejegening", "Informatie & uitleg"],
        values=[[5, 2, 0], [8, 7, 1], [0, 0, 0], [1, 1, 1], [3, 0, 4]],
    )


def recur() -> Chart:
    return recurrence(
        key="recurrence",
        title="Terugkerende thema’s",
        themes=["Tijdigheid", "Bereikbaarheid en communicatie met burgers", NASTY],
        sessions=["Voorjaar 2024", "Najaar 2024", "Voorjaar 2025"],
        levels=[[1, 0, 2], [2, 2, 2], [0, 1, 0]],
    )


def status() -> Chart:
    return status_bars(
        key="status",
        title="Status van de aanbevelingen",
        labels=["open", "in uitvoering", "afgerond", NASTY],
        values=[3, 7, 12, 0],
    )


EMPTY_KEYS = ["e1", "e2", "e3", "e4", "e5", "e6", "e7"]


def empties() -> list[Chart]:
    return [
        heat_map(key="e1", title="Leeg", themes=[], bodies=BODIES, counts=[]),
        heat_map(key="e2", title="Leeg", themes=["Tijdigheid"], bodies=[], counts=[[]]),
        grouped_bars(key="e3", title="Leeg", categories=[], series=["a"], values=[]),
        grouped_bars(key="e4", title="Leeg", categories=["a"], series=[], values=[[]]),
        recurrence(key="e5", title="Leeg", themes=[], sessions=["Voorjaar 2025"], levels=[]),
        recurrence(key="e6", title="Leeg", themes=["Tijdigheid"], sessions=[], levels=[[]]),
        status_bars(key="e7", title="Leeg", labels=[], values=[]),
    ]


ALL = [
    heat,
    bars,
    recur,
    status,
    *(lambda index=index: empties()[index] for index in range(len(EMPTY_KEYS))),
]


@pytest.fixture(autouse=True)
def _dutch():
    """The words of a chart are those of the active language: Dutch, as in the memo."""
    with translation.override("nl"):
        yield


def root(chart: Chart) -> ET.Element:
    # Our own output, parsed to prove it is well-formed XML (raises otherwise).
    return ET.fromstring(chart.svg)  # noqa: S314


def texts(chart: Chart) -> list[ET.Element]:
    return list(root(chart).iter(f"{SVG}text"))


def view_box(element: ET.Element) -> tuple[float, float]:
    x, y, width, height = (float(part) for part in element.get("viewBox").split())
    assert (x, y) == (0, 0)
    return width, height


# --- small_count ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "shown"), [(0, ""), (1, "< 3"), (2, "< 3"), (3, "3"), (17, "17"), (1234, "1.234")]
)
def test_small_count_hides_counts_below_three(value, shown):
    assert small_count(value) == shown


def test_small_count_writes_thousands_as_the_language_does():
    with translation.override("en"):
        assert small_count(1234) == "1,234"


def test_small_count_refuses_a_negative_count():
    with pytest.raises(ValueError, match="negative"):
        small_count(-1)


# --- Every chart ---------------------------------------------------------------------------------
@pytest.mark.parametrize("make", ALL)
def test_the_svg_is_accessible(make):
    chart = make()
    svg = root(chart)
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("width") == "100%"
    assert svg.get("aria-labelledby") == f"chart-{chart.key}-title chart-{chart.key}-desc"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title.get("id") == f"chart-{chart.key}-title"
    assert desc.get("id") == f"chart-{chart.key}-desc"
    assert title.text == chart.title
    assert desc.text == chart.description
    assert list(svg)[:2] == [title, desc]  # first children, as screen readers expect
    assert len(chart.description) > 10


@pytest.mark.parametrize("make", ALL)
def test_the_svg_is_safe_under_a_strict_content_security_policy(make):
    svg = root(make())
    for element in svg.iter():
        assert element.tag not in {f"{SVG}style", f"{SVG}script", f"{SVG}image", f"{SVG}a"}
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
        assert not any("href" in name for name in element.attrib)
    assert "url(" not in make().svg


@pytest.mark.parametrize("make", ALL)
def test_every_text_names_its_font(make):
    found = texts(make())
    assert found
    for text in found:
        assert text.get("font-family") == FONT
        assert float(text.get("font-size")) >= 11


@pytest.mark.parametrize("make", ALL)
def test_the_same_input_gives_the_same_bytes(make):
    assert make() == make()


def _relative_luminance(colour: str) -> float:
    def channel(value: str) -> float:
        c = int(value, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    high, low = sorted((_relative_luminance(first), _relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("make", ALL)
def test_text_contrasts_with_what_is_behind_it(make):
    """WCAG AA (4.5:1) for every text against the last shape drawn under its anchor."""
    shapes: list[ET.Element] = []
    for element in root(make()).iter():
        if element.tag == f"{SVG}rect":
            shapes.append(element)
        elif element.tag == f"{SVG}text":
            x, y = float(element.get("x")), float(element.get("y"))
            behind = "#ffffff"
            for rect in shapes:
                left, top = float(rect.get("x")), float(rect.get("y"))
                if left <= x <= left + float(rect.get("width")) and top <= y - 4 <= top + float(
                    rect.get("height")
                ):
                    behind = rect.get("fill")
            assert contrast(element.get("fill"), behind) >= 4.5, element.text


def _text_box(text: ET.Element) -> tuple[float, float, float, float]:
    """An estimate of the box a text covers: left, top, right, bottom."""
    size = float(text.get("font-size"))
    width = charts._text_width(text.text or "", size, bold=text.get("font-weight") == "bold")
    x, y = float(text.get("x")), float(text.get("y"))
    transform = text.get("transform")
    if transform:
        angle = float(re.match(r"rotate\((-?[\d.]+) ", transform).group(1))
        assert angle == -45
        reach = width * math.sqrt(0.5)
        ascent = size * math.sqrt(0.5)
        return x - ascent, y - reach - ascent, x + reach, y
    left = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor")]
    return left, y - size * 0.8, left + width, y + size * 0.25


@pytest.mark.parametrize(
    "make",
    [
        *ALL,
        lambda: heat_map(
            key="wide",
            title="Tien organen",
            themes=["Onvoldoende terugkoppeling aan inwoners over de voortgang van hun aanvraag"],
            bodies=[
                *BODIES,
                "Bezwarencommissie",
                "Overig",
                "Accountant",
                "Stadsadvocaat",
                "Provincie Overijssel (interbestuurlijk toezicht)",
                "Nationale ombudsman",
            ],
            counts=[[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
            rode_draden={
                "Onvoldoende terugkoppeling aan inwoners over de voortgang van hun aanvraag"
            },
        ),
        lambda: recurrence(
            key="long",
            title="Twaalf beraden",
            themes=["Supercalifragilisticexpialidociousgemeentebestuursverordening"],
            sessions=[f"Voorjaar {year}" for year in range(2014, 2026)],
            levels=[[2, 1] * 6],
        ),
        lambda: grouped_bars(
            key="many",
            title="Tien aspecten",
            categories=["Rekenkamer"],
            series=[f"Aspect nummer {n}" for n in range(10)],
            values=[[n * 13 for n in range(10)]],
        ),
    ],
)
def test_nothing_overflows_the_view_box(make):
    svg = root(make())
    width, height = view_box(svg)
    for text in svg.iter(f"{SVG}text"):
        left, top, right, bottom = _text_box(text)
        assert left >= 0, text.text
        assert top >= 0, text.text
        assert right <= width, text.text
        assert bottom <= height, text.text
    for rect in svg.iter(f"{SVG}rect"):
        x, y = float(rect.get("x")), float(rect.get("y"))
        assert x >= 0
        assert y >= 0
        assert x + float(rect.get("width")) <= width
        assert y + float(rect.get("height")) <= height
    for circle in svg.iter(f"{SVG}circle"):
        cx, cy, r = (float(circle.get(name)) for name in ("cx", "cy", "r"))
        assert r <= cx <= width - r
        assert r <= cy <= height - r


def test_a_heat_map_of_twelve_themes_and_six_bodies_fits_an_a4_page():
    themes = [f"Thema nummer {n} met een wat langere naam" for n in range(12)]
    bodies = [*BODIES, "Bezwarencommissie", "Overig"]
    chart = heat_map(
        key="a4", title="A4", themes=themes, bodies=bodies, counts=[[n % 8] * 6 for n in range(12)]
    )
    width, height = view_box(root(chart))
    assert width == 640  # the A4 text width at 96 dpi: the fonts print at their own size
    assert height < 900


# --- Escaping ------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [heat, bars, recur, status])
def test_labels_are_escaped_and_survive(make):
    chart = make()
    assert "R&amp;D &lt;test&gt;" in chart.svg
    assert NASTY in [text.text for text in texts(chart)]
    assert NASTY in [row[0] for row in chart.rows]


def test_the_title_is_escaped_too():
    assert root(heat()).find(f"{SVG}title").text == "Thema’s per orgaan & <meer>"


def test_characters_xml_cannot_carry_are_dropped():
    chart = status_bars(key="ctl", title="a\x00b", labels=["x\x01y"], values=[4])
    assert root(chart).find(f"{SVG}title").text == "ab"
    assert "xy" in [text.text for text in texts(chart)]


def test_the_key_must_be_a_slug():
    for key in ("", "Heat", "heat map", 'x"y'):
        with pytest.raises(ValueError, match="slug"):
            status_bars(key=key, title="t", labels=["open"], values=[1])


# --- Heat map ------------------------------------------------------------------------------------
def test_the_heat_map_has_one_cell_per_theme_and_body_and_prints_small_counts():
    chart = heat()
    svg = root(chart)
    rects = list(svg.iter(f"{SVG}rect"))
    assert len(rects) == 3 * 4 + 4  # the cells, then the four legend swatches
    printed = [
        text.text
        for text in svg.iter(f"{SVG}text")
        if text.get("text-anchor") == "middle" and text.get("font-size") == "12"
    ]
    assert printed == ["< 3", "< 3", "3", "6", "5", "9", "< 3"]  # row by row, nothing for 0


def test_the_heat_map_shades_by_bucket_with_white_text_on_the_darkest():
    svg = root(heat())
    cells = list(svg.iter(f"{SVG}rect"))[:12]
    fills = [cell.get("fill") for cell in cells]
    assert fills[:4] == ["#ffffff", "#f8d7d8", "#f8d7d8", "#e58f92"]  # 0, 1, 2, 3
    assert fills[4] == fills[7] == "#a4161a"  # 6 and 9
    assert fills[6] == "#e58f92"  # 5
    assert len(set(fills)) == 4
    numbers = {text.text: text.get("fill") for text in svg.iter(f"{SVG}text")}
    assert numbers["9"] == "#ffffff"
    assert numbers["< 3"] == numbers["3"] == "#212529"


def test_the_heat_map_legend_names_the_buckets_and_the_rode_draad_mark():
    words = [text.text for text in texts(heat())]
    for label in ("geen", "< 3", "3–5", "6 of meer", "rode draad (vet)"):
        assert label in words


def test_rode_draden_are_bold_and_marked():
    chart = heat()
    labels = {text.text: text for text in texts(chart)}
    assert labels["Motivering"].get("font-weight") == "bold"
    assert labels["Tijdigheid"].get("font-weight") is None
    assert len(list(root(chart).iter(f"{SVG}circle"))) == 2  # the marker and its legend
    assert chart.rows[1][0] == "Motivering (rode draad)"


def test_the_heat_map_table_shows_small_counts_and_zeroes():
    chart = heat()
    assert chart.headers == ["Thema", *BODIES]
    assert chart.rows[0] == ["Tijdigheid", "0", "< 3", "< 3", "3"]


def test_the_heat_map_description_names_the_strongest_theme():
    chart = heat()
    assert "Motivering wordt door 3 van de 4 organen gesignaleerd (20 signalen)" in (
        chart.description
    )
    assert "rode draad: Motivering" in chart.description


def test_the_strongest_theme_is_the_one_most_bodies_signal_not_the_biggest_count():
    chart = heat_map(
        key="h",
        title="t",
        themes=["Groot", "Breed"],
        bodies=["A", "B", "C"],
        counts=[[40, 0, 0], [1, 1, 1]],
    )
    assert "Breed wordt door 3 van de 3 organen gesignaleerd (3 signalen)" in chart.description


def test_the_heat_map_rejects_a_matrix_of_the_wrong_shape():
    with pytest.raises(ValueError, match="counts"):
        heat_map(key="h", title="t", themes=["a", "b"], bodies=["x"], counts=[[1]])


def test_rode_draden_in_any_order_give_the_same_bytes():
    def make(rode):
        return heat_map(
            key="h",
            title="t",
            themes=["a", "b", "c"],
            bodies=["x"],
            counts=[[1], [2], [3]],
            rode_draden=rode,
        )

    assert make({"a", "c"}).svg == make(frozenset(["c", "a"])).svg


# --- Stacked bars --------------------------------------------------------------------------------
def test_the_bars_have_a_legend_and_print_the_totals():
    chart = bars()
    words = [text.text for text in texts(chart)]
    for name in ("Tijdigheid", "Bejegening", "Informatie & uitleg"):
        assert name in words
    assert {"7", "16", "0", "3"} <= set(words)  # the totals at the ends of the bars
    assert chart.headers == ["Orgaan", "Tijdigheid", "Bejegening", "Informatie & uitleg", "Totaal"]
    assert chart.rows[0] == ["Rekenkamer", "5", "< 3", "0", "7"]
    assert "De meeste signalen komen van Klachtencommissaris (16)" in chart.description
    assert "het aspect Tijdigheid komt het vaakst voor (17)" in chart.description


def test_a_segment_per_nonzero_value():
    segments = [rect for rect in root(bars()).iter(f"{SVG}rect") if rect.get("height") == "20"]
    assert len(segments) == 2 + 3 + 0 + 3 + 2


# --- Recurrence ----------------------------------------------------------------------------------
def test_recurrence_draws_two_kinds_of_dot_and_a_legend():
    chart = recur()
    circles = list(root(chart).iter(f"{SVG}circle"))
    open_dots = [c for c in circles if c.get("fill") == "#ffffff"]
    full_dots = [c for c in circles if c.get("fill") == "#a4161a"]
    assert len(open_dots) == 2 + 1  # two tagged, plus the legend
    assert len(full_dots) == 4 + 1  # four rode draden, plus the legend
    words = [text.text for text in texts(chart)]
    assert "getagd als thema" in words
    assert "rode draad" in words
    assert chart.rows[0] == ["Tijdigheid", "getagd", "–", "rode draad"]
    assert "Bereikbaarheid en communicatie met burgers komt voor in 3 van de 3 beraden, " in (
        chart.description
    )
    assert "waarvan 3 keer als rode draad" in chart.description


def test_recurrence_rejects_unknown_levels():
    with pytest.raises(ValueError, match="levels"):
        recurrence(key="r", title="t", themes=["a"], sessions=["s"], levels=[[3]])


# --- Status --------------------------------------------------------------------------------------
def test_status_bars_print_each_count_at_the_end():
    chart = status()
    words = [text.text for text in texts(chart)]
    assert {"3", "7", "12", "0"} <= set(words)
    bars_drawn = list(root(chart).iter(f"{SVG}rect"))
    assert len(bars_drawn) == 3  # nothing for the status with 0
    widths = [float(rect.get("width")) for rect in bars_drawn]
    assert widths == sorted(widths)  # 3 < 7 < 12
    assert chart.rows == [["open", "3"], ["in uitvoering", "7"], ["afgerond", "12"], [NASTY, "0"]]
    assert chart.description.startswith("Status van 22 aanbevelingen: 3 open, 7 in uitvoering")


# --- Empty ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("index", range(len(EMPTY_KEYS)), ids=EMPTY_KEYS)
def test_no_data_is_a_small_svg_that_says_so(index):
    chart = empties()[index]
    assert chart.key == EMPTY_KEYS[index]
    svg = root(chart)
    assert [text.text for text in svg.iter(f"{SVG}text")] == ["Geen gegevens"]
    assert view_box(svg)[1] < 60
    assert chart.description == "Geen gegevens."
    assert chart.rows == []


def test_zero_everywhere_is_data_not_emptiness():
    chart = heat_map(key="z", title="t", themes=["a"], bodies=["x", "y"], counts=[[0, 0]])
    assert "Geen gegevens" not in chart.svg
    assert "Geen van de organen heeft bij deze thema’s signalen." in chart.description
    assert (
        "Er zijn geen signalen."
        in grouped_bars(
            key="g", title="t", categories=["x"], series=["a"], values=[[0]]
        ).description
    )


# --- The include ---------------------------------------------------------------------------------
def test_the_include_renders_figure_svg_description_and_table():
    chart = heat()
    html = render_to_string("reports/includes/chart.html", {"chart": chart})
    assert '<figure class="chart" id="chart-heat">' in html
    assert '<figcaption class="chart-title">Thema’s per orgaan &amp; &lt;meer&gt;</figcaption>' in (
        html
    )
    assert chart.svg in html  # marked safe, not escaped
    assert '<p class="chart-description">' in html
    assert '<caption class="visually-hidden">' in html
    assert '<th scope="col">Functionaris gegevensbescherming</th>' in html
    assert '<th scope="row">Tijdigheid</th>' in html
    assert "<td>&lt; 3</td>" in html
    assert '<th scope="row">R&amp;D &lt;test&gt; &quot;x&quot; &#x27;y&#x27;</th>' in html


def test_the_include_leaves_out_the_table_when_there_is_no_data():
    html = render_to_string("reports/includes/chart.html", {"chart": empties()[0]})
    assert "Geen gegevens" in html
    assert "<table" not in html


# --- Languages -----------------------------------------------------------------------------------
def english(make) -> Chart:
    with translation.override("en"):
        return make()


def test_in_english_the_charts_speak_english():
    chart = english(heat)
    words = [text.text for text in texts(chart)]
    for label in ("none", "< 3", "3–5", "6 or more", "rode draad (bold)"):
        assert label in words
    assert chart.headers == ["Theme", *BODIES]
    assert chart.rows[1][0] == "Motivering (rode draad)"
    assert chart.description == (
        "Signals per theme and body, for 3 themes and 4 bodies. Motivering is signalled by 3 "
        "of the 4 bodies (20 signals); rode draad: Motivering."
    )

    chart = english(bars)
    assert chart.headers == ["Body", "Tijdigheid", "Bejegening", "Informatie & uitleg", "Total"]
    assert chart.description.startswith(
        "Signals per body, split by 3 aspects. Most signals come from Klachtencommissaris (16); "
        "the aspect Tijdigheid occurs most often (17)."
    )

    chart = english(recur)
    words = [text.text for text in texts(chart)]
    assert "tagged as a theme" in words
    assert chart.rows[0] == ["Tijdigheid", "tagged", "–", "rode draad"]
    assert chart.description == (
        "Themes in 3 sessions, from old to new. Bereikbaarheid en communicatie met burgers "
        "occurs in 3 of the 3 sessions, 3 times as a rode draad."
    )

    chart = english(status)
    assert chart.headers == ["Status", "Number"]
    assert chart.description.startswith("Status of 22 recommendations: 3 open, 7 in uitvoering")


def test_in_english_no_data_says_so_in_english():
    chart = english(lambda: empties()[0])
    assert [text.text for text in root(chart).iter(f"{SVG}text")] == ["No data"]
    assert chart.description == "No data."
    single = english(lambda: status_bars(key="one", title="t", labels=["open"], values=[1]))
    assert single.description == "Status of 1 recommendation: 1 open."
    listing = english(
        lambda: heat_map(
            key="h",
            title="t",
            themes=["a", "b", "c"],
            bodies=["x"],
            counts=[[1], [2], [3]],
            rode_draden={"a", "b", "c"},
        )
    )
    assert listing.description.endswith("; rode draden: a, b and c.")


@pytest.mark.parametrize("make", [heat, bars, recur, status])
def test_each_language_gives_its_own_bytes_every_time(make):
    assert make().svg == make().svg
    assert english(make).svg == english(make).svg
    assert make().svg != english(make).svg
    dutch_words = {"geen", "getagd", "Thema", "Orgaan", "Totaal", "Aantal", "Signalen", "van de"}
    assert not any(word in english(make).description for word in dutch_words)
