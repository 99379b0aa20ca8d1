"""Server-side SVG charts: the same markup in the dashboard and in the memo (WeasyPrint).

Every chart is a plain string built here: no JavaScript, no external files, no ``style``
attributes or ``<style>`` elements (the Content-Security-Policy forbids inline styles), only
presentation attributes. Every ``<text>`` names its font, because WeasyPrint draws SVG text only
with an explicit family. Output is deterministic: the same input gives the same bytes.

A chart never relies on colour alone: counts are printed, legends name what the shades and
symbols mean, and each ``Chart`` carries its text alternative (``description``) and its data as a
table (``headers``, ``rows``) that ``reports/includes/chart.html`` renders below the picture.

Every word a chart adds to its data — legends, table headers, the text alternative — is
translated into the active language when the chart is made: the dashboard shows its charts in
the language of the interface, and the memo, rendered with Dutch active
(``reports.services.memo_render``), in Dutch. The data labels (themes, bodies, sessions) are
used as they are.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

__all__ = [
    "Chart",
    "grouped_bars",
    "heat_map",
    "number",
    "recurrence",
    "small_count",
    "status_bars",
]


@dataclass(frozen=True)
class Chart:
    """One chart, ready for ``reports/includes/chart.html``."""

    key: str  # a slug, unique per page: the ids are chart-{key}, chart-{key}-title, -desc
    title: str  # short title, shown as the figure caption and as the SVG <title>
    description: str  # the text alternative: what the chart shows and its main finding
    svg: str  # the <svg> markup; the template marks it safe
    headers: list[str]  # the data table: column headers
    rows: list[list[str]]  # the data table: rows of cell strings (first cell = row header)


def number(value: int) -> str:
    """A number as the active language writes it: 1.234 in Dutch, 1,234 in English."""
    return number_format(value, force_grouping=True)


def small_count(value: int) -> str:
    """A count as printed in the memo: nothing for 0, ``< 3`` for 1 and 2, else the number."""
    if value < 0:
        raise ValueError(f"a count cannot be negative: {value}")
    if value == 0:
        return ""
    if value < 3:
        return "< 3"
    return number(value)


# --- Look ----------------------------------------------------------------------------------------
FONT = "Liberation Sans, DejaVu Sans, Arial, sans-serif"
WIDTH = 640  # ≈ 170 mm at 96 dpi: the text width of an A4 page
MARGIN = 8
INK = "#212529"  # 15.4:1 on white
MUTED = "#495057"  # 8.2:1 on white
RULE = "#dee2e6"
BORDER = "#adb5bd"
RED = "#a4161a"  # the house colour, 7.4:1 on white
RED_DARK = "#7a1013"
WHITE = "#ffffff"

# Heat-map buckets: (lowest count, fill). Text colour follows from the fill.
HEAT_BUCKETS: tuple[tuple[int, str], ...] = (
    (0, WHITE),
    (1, "#f8d7d8"),
    (3, "#e58f92"),
    (6, RED),
)


def _bucket_labels() -> list[str]:
    """The legend of the heat map's buckets, in the active language."""
    return [
        pgettext("number of signals", "none"),
        "< 3",
        "3–5",
        _("%(count)s or more") % {"count": HEAT_BUCKETS[-1][0]},
    ]


# Series colours for stacked bars: neighbours differ in hue and in lightness.
PALETTE = (
    RED,
    "#1d4e89",
    "#e9a23b",
    "#2a9d8f",
    "#6f2da8",
    "#f4c6c8",
    "#5c636a",
    "#9ecae1",
    "#7f4f24",
    "#c7e9c0",
)
LABEL_SIZE = 12
SMALL_SIZE = 11

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- Text: escaping and width --------------------------------------------------------------------
def _esc(text: str) -> str:
    """Escape for XML text and attribute values; drop characters XML cannot carry."""
    return html.escape(_XML_INVALID.sub("", text), quote=True)


# Advance widths of Liberation Sans (metric-compatible with Arial/Helvetica), per 1000 em.
_WIDTHS: dict[str, int] = {}
for _chars, _width in (
    ("'", 191),
    ("ijl|", 222),
    (" ftI.,:;!/\\[]", 278),
    ("r-()`{}", 333),
    ('"', 355),
    ("ckvxyzsJ*^", 500),
    ("abdeghnopquL0123456789?#$_–", 556),
    ("+<>=~", 584),
    ("FTZ", 611),
    ("ABEKPSVXY&", 667),
    ("CDHNRUw", 722),
    ("GOQ", 778),
    ("mM", 833),
    ("%", 889),
    ("W", 944),
    ("…—@", 1000),
):
    for _char in _chars:
        _WIDTHS[_char] = _width


def _char_width(char: str) -> int:
    if char in _WIDTHS:
        return _WIDTHS[char]
    base = unicodedata.normalize("NFKD", char)[:1]  # é → e
    return _WIDTHS.get(base, 600)


def _text_width(text: str, size: float, *, bold: bool = False) -> float:
    """An estimate of the rendered width, a little on the generous side (fallback fonts)."""
    factor = 1.10 if bold else 1.0
    return sum(_char_width(char) for char in text) * size / 1000 * factor * 1.05


def _ellipsize(text: str, width: float, size: float, *, bold: bool = False) -> str:
    if _text_width(text, size, bold=bold) <= width:
        return text
    while text and _text_width(text + "…", size, bold=bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(
    text: str, width: float, size: float, *, max_lines: int, bold: bool = False
) -> tuple[list[str], bool]:
    """Break ``text`` into at most ``max_lines`` lines of at most ``width``.

    Returns the lines and whether everything fitted without shortening (an ellipsis).
    """
    words = text.split()
    if not words:
        return [""], True
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if not current or _text_width(candidate, size, bold=bold) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    fits = len(lines) <= max_lines and all(
        _text_width(line, size, bold=bold) <= width for line in lines
    )
    if fits:
        return lines, True
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [_ellipsize(line, width, size, bold=bold) for line in lines], False


# --- Drawing -------------------------------------------------------------------------------------
def _num(value: float) -> str:
    """A coordinate with at most one decimal, the same text for the same value."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _text_colour_on(fill: str) -> str:
    """White on dark fills, dark ink on light ones: whichever contrasts more."""
    return WHITE if _contrast_ratio(WHITE, fill) >= _contrast_ratio(INK, fill) else INK


class _Canvas:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def rect(
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        *,
        fill: str,
        stroke: str | None = None,
    ) -> None:
        outline = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
        self.parts.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(width)}" height="{_num(height)}" '
            f'fill="{fill}"{outline}/>'
        )

    def line(
        self, x1: float, y1: float, x2: float, y2: float, *, stroke: str, width: float = 1
    ) -> None:
        self.parts.append(
            f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" '
            f'stroke="{stroke}" stroke-width="{_num(width)}"/>'
        )

    def circle(
        self,
        cx: float,
        cy: float,
        r: float,
        *,
        fill: str,
        stroke: str | None = None,
        stroke_width: float = 2,
    ) -> None:
        outline = f' stroke="{stroke}" stroke-width="{_num(stroke_width)}"' if stroke else ""
        self.parts.append(
            f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(r)}" fill="{fill}"{outline}/>'
        )

    def text(
        self,
        x: float,
        y: float,
        content: str,
        *,
        size: float = LABEL_SIZE,
        anchor: str = "start",
        fill: str = INK,
        bold: bool = False,
        rotate: float | None = None,
    ) -> None:
        weight = ' font-weight="bold"' if bold else ""
        turn = f' transform="rotate({_num(rotate)} {_num(x)} {_num(y)})"' if rotate else ""
        self.parts.append(
            f'<text x="{_num(x)}" y="{_num(y)}" font-family="{FONT}" font-size="{_num(size)}"'
            f'{weight} fill="{fill}" text-anchor="{anchor}"{turn}>{_esc(content)}</text>'
        )

    def lines(
        self,
        x: float,
        middle: float,
        lines: Sequence[str],
        *,
        size: float = LABEL_SIZE,
        anchor: str = "start",
        fill: str = INK,
        bold: bool = False,
    ) -> None:
        """Lines of text centred vertically on ``middle``."""
        step = size * 1.2
        first = middle - step * (len(lines) - 1) / 2 + size * 0.35
        for index, line in enumerate(lines):
            self.text(x, first + index * step, line, size=size, anchor=anchor, fill=fill, bold=bold)

    def svg(self) -> str:
        return "\n".join(self.parts)


def _document(
    *, key: str, title: str, description: str, width: float, height: float, body: str
) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {math.ceil(width)} '
        f'{math.ceil(height)}" width="100%" role="img" '
        f'aria-labelledby="chart-{key}-title chart-{key}-desc">\n'
        f'<title id="chart-{key}-title">{_esc(title)}</title>\n'
        f'<desc id="chart-{key}-desc">{_esc(description)}</desc>\n'
        f"{body}\n</svg>"
    )


def _check_key(key: str) -> None:
    if not _SLUG.match(key):
        raise ValueError(f"a chart key must be a lowercase slug, not {key!r}")


def _empty(key: str, title: str) -> Chart:
    no_data = _("No data")
    canvas = _Canvas()
    canvas.rect(0.5, 0.5, WIDTH - 1, 47, fill="#f8f9fa", stroke=RULE)
    canvas.text(WIDTH / 2, 28, no_data, size=13, anchor="middle", fill=MUTED)
    description = f"{no_data}."
    svg = _document(
        key=key, title=title, description=description, width=WIDTH, height=48, body=canvas.svg()
    )
    return Chart(key=key, title=title, description=description, svg=svg, headers=[], rows=[])


def _check_matrix(name: str, matrix: Sequence[Sequence[int]], rows: int, columns: int) -> None:
    if len(matrix) != rows or any(len(row) != columns for row in matrix):
        raise ValueError(f"{name} must be {rows} rows of {columns} values")
    if any(value < 0 for row in matrix for value in row):
        raise ValueError(f"{name} cannot hold negative values")


_Symbol = Callable[[_Canvas, float, float], None]  # draws in a 14 by 14 box at (x, top)


def _legend(
    canvas: _Canvas, items: Sequence[tuple[_Symbol, str]], *, x: float, y: float, right: float
) -> float:
    """A row of symbols with their labels, wrapping at ``right``. Returns the bottom."""
    left = x
    for symbol, full_label in items:
        label = _ellipsize(full_label, right - left - 19, SMALL_SIZE)
        item_width = 14 + 5 + _text_width(label, SMALL_SIZE)
        if x > left and x + item_width > right:
            x = left
            y += 20
        symbol(canvas, x, y)
        canvas.text(x + 19, y + 11, label, size=SMALL_SIZE)
        x += item_width + 16
    return y + 14


def _swatch(fill: str, stroke: str | None = None) -> _Symbol:
    def draw(canvas: _Canvas, x: float, top: float) -> None:
        canvas.rect(x + 0.5, top + 0.5, 13, 13, fill=fill, stroke=stroke)

    return draw


def _themes(count: int) -> str:
    return ngettext("%(count)s theme", "%(count)s themes", count) % {"count": count}


def _bodies(count: int) -> str:
    return ngettext("%(count)s body", "%(count)s bodies", count) % {"count": count}


def _sessions(count: int) -> str:
    return ngettext("%(count)s session", "%(count)s sessions", count) % {"count": count}


def _listing(items: Sequence[str]) -> str:
    """ "a, b and c", in the active language."""
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


# --- Shared layout: row labels and column headers ------------------------------------------------
@dataclass(frozen=True)
class _RowLabels:
    lines: list[list[str]]
    width: float  # the width of the label column (marker included)
    row_height: float


def _row_labels(
    labels: Sequence[str], *, bold: Sequence[bool], marker: float, max_width: float = 200
) -> _RowLabels:
    natural = max(
        (_text_width(label, LABEL_SIZE, bold=b) for label, b in zip(labels, bold, strict=True)),
        default=0,
    )
    text_width = min(max(natural, 60), max_width)
    lines = [
        _wrap(label, text_width, LABEL_SIZE, max_lines=2, bold=b)[0]
        for label, b in zip(labels, bold, strict=True)
    ]
    two_lines = any(len(label_lines) > 1 for label_lines in lines)
    return _RowLabels(lines=lines, width=text_width + marker, row_height=34 if two_lines else 26)


@dataclass(frozen=True)
class _Columns:
    x0: float  # left edge of the first column
    width: float  # column width
    header_height: float
    rotated: bool
    lines: list[list[str]]  # per column: the label lines (one line when rotated)
    total_width: float  # the width of the whole drawing


_COS45 = math.sqrt(0.5)


def _columns(labels: Sequence[str], *, x0: float, max_width: float = 84) -> _Columns:
    """Place column labels: wrapped horizontally when they fit, else slanted at 45°."""
    count = len(labels)
    right = WIDTH - MARGIN
    # A column may grow (up to 140) so that its longest word fits, when there is room.
    longest_word = max(
        (_text_width(word, SMALL_SIZE) for label in labels for word in label.split()), default=0
    )
    width = min(max(max_width, min(longest_word + 8, 140)), (right - x0) / count)
    wrapped = [_wrap(label, width - 6, SMALL_SIZE, max_lines=3) for label in labels]
    if width >= 40 and all(fits for _lines, fits in wrapped):
        most = max(len(lines) for lines, _fits in wrapped)
        return _Columns(
            x0=x0,
            width=width,
            header_height=most * SMALL_SIZE * 1.2 + 8,
            rotated=False,
            lines=[lines for lines, _fits in wrapped],
            total_width=WIDTH,
        )
    shortened = [_ellipsize(label, 210, SMALL_SIZE) for label in labels]
    reach = [_text_width(label, SMALL_SIZE) * _COS45 + 6 for label in shortened]
    width = min(
        max_width,
        min((right - x0 - reach[j]) / (j + 0.5) for j in range(count)),
    )
    width = max(width, 30)
    total = max(WIDTH, max(x0 + (j + 0.5) * width + reach[j] for j in range(count)) + MARGIN)
    return _Columns(
        x0=x0,
        width=width,
        header_height=max(reach) + 10,
        rotated=True,
        lines=[[label] for label in shortened],
        total_width=total,
    )


def _draw_column_labels(canvas: _Canvas, columns: _Columns, *, top: float) -> None:
    bottom = top + columns.header_height
    for j, lines in enumerate(columns.lines):
        centre = columns.x0 + (j + 0.5) * columns.width
        if columns.rotated:
            canvas.text(centre - 2, bottom - 6, lines[0], size=SMALL_SIZE, fill=INK, rotate=-45)
        else:
            step = SMALL_SIZE * 1.2
            first = bottom - 6 - step * (len(lines) - 1)
            for index, line in enumerate(lines):
                canvas.text(centre, first + index * step, line, size=SMALL_SIZE, anchor="middle")


# --- Heat map ------------------------------------------------------------------------------------
def _bucket(count: int) -> tuple[str, str]:
    fill = HEAT_BUCKETS[0][1]
    for lowest, bucket_fill in HEAT_BUCKETS:
        if count >= lowest:
            fill = bucket_fill
    return fill, _text_colour_on(fill)


def _rode_draad_marker(canvas: _Canvas, x: float, top: float) -> None:
    canvas.circle(x + 7, top + 7, 4.5, fill=RED)


def heat_map(
    *,
    key: str,
    title: str,
    themes: Sequence[str],
    bodies: Sequence[str],
    counts: Sequence[Sequence[int]],
    rode_draden: AbstractSet[str] = frozenset(),
) -> Chart:
    """Themes (rows) by bodies (columns); the shade of a cell follows its count bucket."""
    _check_key(key)
    if not themes or not bodies:
        return _empty(key, title)
    _check_matrix("counts", counts, len(themes), len(bodies))

    is_rode_draad = [theme in rode_draden for theme in themes]
    any_rode_draad = any(is_rode_draad)
    marker = 16 if any_rode_draad else 0
    labels = _row_labels(themes, bold=is_rode_draad, marker=marker)
    columns = _columns(bodies, x0=MARGIN + labels.width + 8)
    canvas = _Canvas()
    _draw_column_labels(canvas, columns, top=MARGIN)

    grid_top = MARGIN + columns.header_height
    row_height = labels.row_height
    for i, theme_lines in enumerate(labels.lines):
        top = grid_top + i * row_height
        middle = top + row_height / 2
        if is_rode_draad[i]:
            _rode_draad_marker(canvas, MARGIN, middle - 7)
        canvas.lines(MARGIN + marker, middle, theme_lines, bold=is_rode_draad[i])
        for j, count in enumerate(counts[i]):
            x = columns.x0 + j * columns.width
            fill, ink = _bucket(count)
            canvas.rect(
                x + 1,
                top + 1,
                columns.width - 2,
                row_height - 2,
                fill=fill,
                stroke=BORDER if count == 0 else None,
            )
            if count:
                canvas.text(
                    x + columns.width / 2,
                    middle + LABEL_SIZE * 0.35,
                    small_count(count),
                    anchor="middle",
                    fill=ink,
                    bold=count >= HEAT_BUCKETS[-1][0],
                )

    legend: list[tuple[_Symbol, str]] = [
        (_swatch(fill, BORDER if lowest == 0 else None), label)
        for (lowest, fill), label in zip(HEAT_BUCKETS, _bucket_labels(), strict=True)
    ]
    if any_rode_draad:
        legend.append((_rode_draad_marker, _("rode draad (bold)")))
    legend_top = grid_top + len(themes) * row_height + 14
    bottom = _legend(canvas, legend, x=MARGIN, y=legend_top, right=columns.total_width - MARGIN)

    description = _heat_map_summary(themes, bodies, counts, is_rode_draad)
    headers = [_("Theme"), *bodies]
    rows = [
        [
            _("%(theme)s (rode draad)") % {"theme": theme} if is_rode_draad[i] else theme,
            *(small_count(count) or "0" for count in counts[i]),
        ]
        for i, theme in enumerate(themes)
    ]
    svg = _document(
        key=key,
        title=title,
        description=description,
        width=columns.total_width,
        height=bottom + MARGIN,
        body=canvas.svg(),
    )
    return Chart(key=key, title=title, description=description, svg=svg, headers=headers, rows=rows)


def _heat_map_summary(
    themes: Sequence[str],
    bodies: Sequence[str],
    counts: Sequence[Sequence[int]],
    is_rode_draad: Sequence[bool],
) -> str:
    shows = _("Signals per theme and body, for %(themes)s and %(bodies)s.") % {
        "themes": _themes(len(themes)),
        "bodies": _bodies(len(bodies)),
    }
    spread = [sum(1 for count in row if count) for row in counts]
    totals = [sum(row) for row in counts]
    if not any(totals):
        nothing = _("None of the bodies has signals on these themes.")
        return f"{shows} {nothing}"
    # The strongest theme: signalled by the most bodies, then the most signals, then first.
    strongest = max(range(len(themes)), key=lambda i: (spread[i], totals[i], -i))
    finding = _("%(theme)s is signalled by %(count)s of the %(bodies)s (%(signals)s signals)") % {
        "theme": themes[strongest],
        "count": spread[strongest],
        "bodies": _bodies(len(bodies)),
        "signals": small_count(totals[strongest]),
    }
    rode = [theme for theme, rode in zip(themes, is_rode_draad, strict=True) if rode]
    if rode:
        finding += "; " + ngettext(
            "rode draad: %(themes)s", "rode draden: %(themes)s", len(rode)
        ) % {"themes": _listing(rode)}
    return f"{shows} {finding}."


# --- Stacked bars per body -----------------------------------------------------------------------
def _nice_step(maximum: int) -> int:
    """A tick step giving at most about five gridlines: 1, 2, 5, 10, 20, 50, …"""
    raw = max(maximum, 1) / 5
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return int(factor * magnitude)
    return int(10 * magnitude)  # pragma: no cover - the loop always returns


def grouped_bars(
    *,
    key: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[str],
    values: Sequence[Sequence[int]],
) -> Chart:
    """Signals per body (categories), split by aspect (series): horizontal stacked bars."""
    _check_key(key)
    if not categories or not series:
        return _empty(key, title)
    _check_matrix("values", values, len(categories), len(series))

    canvas = _Canvas()
    colours = [PALETTE[index % len(PALETTE)] for index in range(len(series))]
    legend = [(_swatch(colour), name) for colour, name in zip(colours, series, strict=True)]
    legend_bottom = _legend(canvas, legend, x=MARGIN, y=MARGIN, right=WIDTH - MARGIN)

    labels = _row_labels(categories, bold=[False] * len(categories), marker=0, max_width=170)
    totals = [sum(row) for row in values]
    maximum = max(max(totals), 1)
    step = _nice_step(maximum)
    axis_end = math.ceil(maximum / step) * step
    x0 = MARGIN + labels.width + 10
    total_room = _text_width(number(max(totals)), LABEL_SIZE, bold=True) + 10
    scale = (WIDTH - MARGIN - total_room - x0) / axis_end
    top = legend_bottom + 14
    row_height = max(labels.row_height, 30)
    bottom = top + len(categories) * row_height

    for tick in range(0, axis_end + 1, step):
        x = x0 + tick * scale
        if tick:
            canvas.line(x, top, x, bottom, stroke=RULE)
        canvas.text(x, bottom + 15, number(tick), size=SMALL_SIZE, anchor="middle", fill=MUTED)

    for i, category_lines in enumerate(labels.lines):
        row_top = top + i * row_height
        middle = row_top + row_height / 2
        canvas.lines(MARGIN, middle, category_lines)
        x = x0
        for value, colour in zip(values[i], colours, strict=True):
            if not value:
                continue
            width = value * scale
            canvas.rect(x, middle - 10, width, 20, fill=colour, stroke=WHITE)
            shown = small_count(value)
            if _text_width(shown, SMALL_SIZE) + 6 <= width:
                canvas.text(
                    x + width / 2,
                    middle + SMALL_SIZE * 0.35,
                    shown,
                    size=SMALL_SIZE,
                    anchor="middle",
                    fill=_text_colour_on(colour),
                )
            x += width
        canvas.text(x + 6, middle + LABEL_SIZE * 0.35, small_count(totals[i]) or "0", bold=True)

    canvas.line(x0, top, x0, bottom, stroke=MUTED)  # the axis, over the start of the bars

    description = _bars_summary(categories, series, values, totals)
    headers = [_("Body"), *series, _("Total")]
    rows = [
        [category, *(small_count(v) or "0" for v in values[i]), small_count(totals[i]) or "0"]
        for i, category in enumerate(categories)
    ]
    svg = _document(
        key=key,
        title=title,
        description=description,
        width=WIDTH,
        height=bottom + 22 + MARGIN,
        body=canvas.svg(),
    )
    return Chart(key=key, title=title, description=description, svg=svg, headers=headers, rows=rows)


def _bars_summary(
    categories: Sequence[str],
    series: Sequence[str],
    values: Sequence[Sequence[int]],
    totals: Sequence[int],
) -> str:
    aspects = ngettext("%(count)s aspect", "%(count)s aspects", len(series)) % {
        "count": len(series)
    }
    shows = _("Signals per body, split by %(aspects)s.") % {"aspects": aspects}
    if not any(totals):
        nothing = _("There are no signals.")
        return f"{shows} {nothing}"
    top_category = max(range(len(categories)), key=lambda i: (totals[i], -i))
    per_series = [sum(row[j] for row in values) for j in range(len(series))]
    top_series = max(range(len(series)), key=lambda j: (per_series[j], -j))
    finding = _(
        "Most signals come from %(body)s (%(count)s); the aspect %(aspect)s occurs most often "
        "(%(aspect_count)s)."
    ) % {
        "body": categories[top_category],
        "count": small_count(totals[top_category]),
        "aspect": series[top_series],
        "aspect_count": small_count(per_series[top_series]),
    }
    return f"{shows} {finding}"


# --- Recurrence over sessions --------------------------------------------------------------------
def _recurrence_levels() -> tuple[str, str, str]:
    """How the table names the levels 0, 1 and 2, in the active language."""
    return ("–", pgettext("a theme in a session", "tagged"), _("rode draad"))


def _tagged_symbol(canvas: _Canvas, x: float, top: float) -> None:
    canvas.circle(x + 7, top + 7, 5, fill=WHITE, stroke=MUTED)


def _rode_draad_symbol(canvas: _Canvas, x: float, top: float) -> None:
    canvas.circle(x + 7, top + 7, 7, fill=RED, stroke=RED_DARK, stroke_width=1)


def recurrence(
    *,
    key: str,
    title: str,
    themes: Sequence[str],
    sessions: Sequence[str],
    levels: Sequence[Sequence[int]],
) -> Chart:
    """Themes (rows) by sessions (columns, oldest first): an open dot when the theme was tagged,
    a large filled dot when it was a rode draad."""
    _check_key(key)
    if not themes or not sessions:
        return _empty(key, title)
    _check_matrix("levels", levels, len(themes), len(sessions))
    if any(level > 2 for row in levels for level in row):
        raise ValueError("levels are 0 (not tagged), 1 (tagged) or 2 (rode draad)")

    labels = _row_labels(themes, bold=[False] * len(themes), marker=0)
    columns = _columns(sessions, x0=MARGIN + labels.width + 8, max_width=96)
    canvas = _Canvas()
    _draw_column_labels(canvas, columns, top=MARGIN)
    grid_top = MARGIN + columns.header_height
    row_height = labels.row_height
    grid_right = columns.x0 + len(sessions) * columns.width
    for i, theme_lines in enumerate(labels.lines):
        middle = grid_top + i * row_height + row_height / 2
        canvas.line(columns.x0, middle, grid_right, middle, stroke=RULE)
        canvas.lines(MARGIN, middle, theme_lines)
        for j, level in enumerate(levels[i]):
            centre = columns.x0 + (j + 0.5) * columns.width
            if level == 1:
                canvas.circle(centre, middle, 5, fill=WHITE, stroke=MUTED)
            elif level == 2:
                canvas.circle(centre, middle, 7, fill=RED, stroke=RED_DARK, stroke_width=1)

    legend = [(_tagged_symbol, _("tagged as a theme")), (_rode_draad_symbol, _("rode draad"))]
    bottom = _legend(
        canvas,
        legend,
        x=MARGIN,
        y=grid_top + len(themes) * row_height + 14,
        right=columns.total_width - MARGIN,
    )
    description = _recurrence_summary(themes, sessions, levels)
    headers = [_("Theme"), *sessions]
    named = _recurrence_levels()
    rows = [[theme, *(named[level] for level in levels[i])] for i, theme in enumerate(themes)]
    svg = _document(
        key=key,
        title=title,
        description=description,
        width=columns.total_width,
        height=bottom + MARGIN,
        body=canvas.svg(),
    )
    return Chart(key=key, title=title, description=description, svg=svg, headers=headers, rows=rows)


def _recurrence_summary(
    themes: Sequence[str], sessions: Sequence[str], levels: Sequence[Sequence[int]]
) -> str:
    shows = _("Themes in %(sessions)s, from old to new.") % {"sessions": _sessions(len(sessions))}
    present = [sum(1 for level in row if level) for row in levels]
    rode = [sum(1 for level in row if level == 2) for row in levels]
    if not any(present):
        nothing = _("None of the themes was tagged.")
        return f"{shows} {nothing}"
    # The most recurrent theme: in the most sessions, then most often a rode draad, then first.
    strongest = max(range(len(themes)), key=lambda i: (present[i], rode[i], -i))
    finding = _("%(theme)s occurs in %(count)s of the %(sessions)s") % {
        "theme": themes[strongest],
        "count": present[strongest],
        "sessions": _sessions(len(sessions)),
    }
    if rode[strongest]:
        finding += ngettext(
            ", %(count)s time as a rode draad", ", %(count)s times as a rode draad", rode[strongest]
        ) % {"count": rode[strongest]}
    return f"{shows} {finding}."


# --- Status of recommendations -------------------------------------------------------------------
def status_bars(*, key: str, title: str, labels: Sequence[str], values: Sequence[int]) -> Chart:
    """The status of recommendations: one horizontal bar per status, the count at its end."""
    _check_key(key)
    if not labels:
        return _empty(key, title)
    if len(values) != len(labels):
        raise ValueError("values must hold one count per label")
    if any(value < 0 for value in values):
        raise ValueError("values cannot be negative")

    rows_layout = _row_labels(labels, bold=[False] * len(labels), marker=0, max_width=170)
    x0 = MARGIN + rows_layout.width + 10
    maximum = max(max(values), 1)
    count_room = _text_width(number(maximum), LABEL_SIZE, bold=True) + 10
    scale = (WIDTH - MARGIN - count_room - x0) / maximum
    row_height = max(rows_layout.row_height, 30)
    canvas = _Canvas()
    top = MARGIN
    bottom = top + len(labels) * row_height
    canvas.line(x0, top, x0, bottom, stroke=MUTED)
    for i, label_lines in enumerate(rows_layout.lines):
        middle = top + i * row_height + row_height / 2
        canvas.lines(MARGIN, middle, label_lines)
        width = values[i] * scale
        if width:
            canvas.rect(x0, middle - 10, width, 20, fill=RED)
        canvas.text(x0 + width + 6, middle + LABEL_SIZE * 0.35, number(values[i]), bold=True)

    total = sum(values)
    parts = [f"{number(value)} {label}" for label, value in zip(labels, values, strict=True)]
    recommendations = ngettext("%(count)s recommendation", "%(count)s recommendations", total) % {
        "count": number(total)
    }
    description = _("Status of %(recommendations)s: %(list)s.") % {
        "recommendations": recommendations,
        "list": _listing(parts),
    }
    svg = _document(
        key=key,
        title=title,
        description=description,
        width=WIDTH,
        height=bottom + MARGIN,
        body=canvas.svg(),
    )
    return Chart(
        key=key,
        title=title,
        description=description,
        svg=svg,
        headers=[_("Status"), pgettext("how many", "Number")],
        rows=[[label, number(value)] for label, value in zip(labels, values, strict=True)],
    )
