"""CSV exports streamed as they are read from the database (flat memory for any size).

Made for Excel in the users' locale (Venezuela, Colombia): UTF-8 with a BOM, or Excel reads
the accents as Latin-1; `;` between fields and a decimal comma, because there the comma is
the decimal separator and Excel splits a double-clicked CSV on `;` (a `,` file would open as
one column, and "1234.50" would not be read as 1234,50). Dates are ISO (2026-01-31), which
Excel reads as dates in every locale; a date and time is "2026-01-31 14:30".
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from crm.exports.cells import csv_text
from crm.exports.columns import Column, Kind

DELIMITER = ";"
BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"
ROWS_PER_CHUNK = 500  # rows joined into one chunk of the response

type Number = Decimal | int | float | str  # what Decimal() takes


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer to format one."""

    def write(self, value: str) -> str:
        return value


def _value(kind: Kind, value: object) -> str:
    # The column's kind decides the value's type (a MONEY column holds numbers, a DATE
    # column dates), which the rows' type cannot say: hence the casts.
    if value is None:
        return ""
    if kind is Kind.TEXT:
        return csv_text(str(value))
    if kind is Kind.MONEY:
        return f"{Decimal(cast(Number, value)):.2f}".replace(".", ",")
    if kind is Kind.RATE:
        return f"{Decimal(cast(Number, value)).normalize():f}".replace(".", ",")
    if kind is Kind.DATE:
        return cast(date, value).isoformat()
    if kind is Kind.DATETIME:
        return cast(datetime, value).isoformat(sep=" ", timespec="minutes")
    return str(value)


def csv_lines(*, columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    # The header in the request's language now: the rows are written after the view returned.
    header = [csv_text(str(column.header)) for column in columns]
    return _lines(header, [column.kind for column in columns], rows)


def _lines(header: list[str], kinds: list[Kind], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=DELIMITER)
    yield BOM + writer.writerow(header)
    chunk = []
    for values in rows:
        chunk.append(
            writer.writerow(
                [_value(kind, value) for kind, value in zip(kinds, values, strict=True)]
            )
        )
        if len(chunk) == ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def csv_response(
    *, columns: Sequence[Column], rows: Iterable[Sequence[object]], filename: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(columns=columns, rows=rows), content_type=CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
