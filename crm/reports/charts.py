"""Server-rendered SVG charts: geometry computed here, drawn by
templates/crm/reports/_chart.html, so the same chart shows in the page and in the PDF with no
JavaScript and no chart library. Each chart has a title and a description, and the page
prints the table it comes from as its alternative."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

# Colour-blind-safe palette (Okabe–Ito), also legible in grey on paper.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
FONT = "DejaVu Sans, Arial, sans-serif"


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str  # the tooltip and what a screen reader reads
    href: str = ""


@dataclass
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"
    size: int = 12
    bold: bool = False


@dataclass
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, name)
    font: str = FONT
    wide: bool = False  # needs its full width to be read: scrolls sideways on phones


def amount(value: Decimal | float | None) -> str:
    return number_format(value or 0, 0, use_l10n=True, force_grouping=True)


def funnel_chart(*, chart_id: str, stages: Sequence[Any], href: Callable[[Any], str]) -> Chart:
    """A funnel by stage: one centred bar per stage, its width the number of opportunities;
    the stage on the left, the count and total value on the right. `href(row)` gives each
    bar's list link."""
    width, row_height, gap, top = 560, 30, 8, 4
    label_width, value_width = 110, 150
    usable = width - label_width - value_width - 10
    chart = Chart(
        id=chart_id,
        title=_("Pipeline funnel by stage"),
        description=_("Open opportunities per stage; the width is the number of opportunities."),
        width=width,
        height=top + len(stages) * (row_height + gap),
    )
    largest = max((row.count for row in stages), default=0) or 1
    for index, row in enumerate(stages):
        y = top + index * (row_height + gap)
        middle = y + row_height / 2 + 5
        bar_width = max(usable * row.count / largest, 2)
        x = label_width + (usable - bar_width) / 2
        text = _("%(stage)s: %(count)s opportunities, %(value)s") % {
            "stage": row.label,
            "count": row.count,
            "value": amount(row.total),
        }
        chart.bars.append(
            Bar(x, y, bar_width, row_height, COLOURS[index % len(COLOURS)], text, href(row))
        )
        chart.labels.append(Label(label_width - 8, middle, row.label, "end", 14))
        chart.labels.append(
            Label(width - 4, middle, f"{row.count} · {amount(row.total)}", "end", 14, True)
        )
    return chart


def grouped_bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: list[str],
    series: list[tuple[str, list[Decimal]]],
    hrefs: list[list[str]] | None = None,
) -> Chart:
    """Vertical bars grouped by category (e.g. months), one colour per series, a scale on the
    left and a legend above. `hrefs[s][c]` links the bar of series s in category c."""
    width, height, left, top, bottom = 720, 300, 80, 36, 40
    plot_width, plot_height = width - left - 10, height - top - bottom
    chart = Chart(chart_id, title, description, width, height, wide=True)
    chart.legend = [(COLOURS[i % len(COLOURS)], name) for i, (name, _v) in enumerate(series)]
    for index, (colour, name) in enumerate(chart.legend):
        chart.bars.append(Bar(left + index * 170, 6, 14, 14, colour, name))
        chart.labels.append(Label(left + index * 170 + 19, 18, name, size=14))
    top_value = max((v for _n, values in series for v in values), default=0) or 1
    scale = max(_nice_ceiling(float(top_value)), 4)  # whole numbers on the scale
    for step in range(5):
        value = scale * step / 4
        y = top + plot_height - plot_height * step / 4
        chart.bars.append(Bar(left, y, plot_width, 0.6, "#cccccc", ""))
        chart.labels.append(Label(left - 6, y + 4, amount(value), "end", 12))
    slot = plot_width / max(len(categories), 1)
    bar_width = slot * 0.8 / max(len(series), 1)
    for c_index, category in enumerate(categories):
        x0 = left + c_index * slot + slot * 0.1
        chart.labels.append(Label(x0 + slot * 0.4, top + plot_height + 16, category, "middle", 10))
        for s_index, (name, values) in enumerate(series):
            value = float(values[c_index] or 0)
            bar_height = plot_height * value / scale
            chart.bars.append(
                Bar(
                    x0 + s_index * bar_width,
                    top + plot_height - bar_height,
                    max(bar_width - 1, 1),
                    bar_height,
                    COLOURS[s_index % len(COLOURS)],
                    f"{category} · {name}: {amount(value)}",
                    hrefs[s_index][c_index] if hrefs else "",
                )
            )
    return chart


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k at or above `value` (a readable scale top)."""
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def month_label(month: date) -> str:
    return date_format(month, "M Y")
