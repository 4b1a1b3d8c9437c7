"""What the sales, losses, activities and conversion reports hand to the page, the Excel file
and the PDF: titled tables of typed cells (so each medium formats numbers its own way) and
the charts drawn from them. One shape, one template, one workbook writer for all four."""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    MONEY = "money"
    PERCENT = "percent"  # a fraction: 0.375 shows as 37,5 %
    DAYS = "days"
    DATE = "date"


@dataclass
class Column:
    header: str
    kind: Kind = Kind.TEXT


@dataclass
class Table:
    id: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    footer: list | None = None
    note: str = ""
    # Columns (indices) drawn as a native Excel bar chart, the first column as categories.
    chart_columns: tuple[int, ...] = ()


@dataclass
class Figure:
    label: str
    value: object
    kind: Kind = Kind.INTEGER
    href: str = ""


@dataclass
class TableReport:
    slug: str
    title: str
    filters: object  # ReportFilters
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list = field(default_factory=list)  # crm.reports.charts.Chart
    notes: list[str] = field(default_factory=list)


def ratio(part: Decimal | int, whole: Decimal | int | None) -> float | None:
    return float(part) / float(whole) if whole else None
