"""What the preview shows: one line per file row (new, update, unchanged or error, with
Spanish messages under the column's label) and the totals, built from an import Result."""

import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from import_export.results import Result, RowResult

from crm.imports.files import Table

logger = logging.getLogger(__name__)

NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"
STATUS_OF = {
    RowResult.IMPORT_TYPE_NEW: NEW,
    RowResult.IMPORT_TYPE_UPDATE: UPDATE,
    RowResult.IMPORT_TYPE_SKIP: UNCHANGED,
    RowResult.IMPORT_TYPE_INVALID: ERROR,
    RowResult.IMPORT_TYPE_ERROR: ERROR,
}


@dataclass
class RowReport:
    line: int  # as in the user's spreadsheet
    status: str
    title: str
    subtitle: str
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[RowReport]
    file_errors: list[str]
    ignored_headers: list[str]
    encoding: str = ""  # how a CSV file's text was read, shown in the preview

    @property
    def totals(self) -> dict[str, int]:
        counts = dict.fromkeys((NEW, UPDATE, UNCHANGED, ERROR), 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def error_rows(self) -> list[RowReport]:
        return [row for row in self.rows if row.status == ERROR]

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors or self.error_rows)


def build_report(result: Result, table: Table, resource: Any) -> ImportReport:
    """`resource` gives the column labels and which cells name each row."""
    file_errors = []
    for error in result.base_errors:
        logger.warning("Import failed before its rows", exc_info=error.error)
        file_errors.append(
            _("The file could not be processed. Nothing was imported. Try again later.")
        )
    rows = []
    for index, row_result in enumerate(result.rows):
        values = dict(zip(table.headers, table.rows[index], strict=True))
        rows.append(
            RowReport(
                line=table.lines[index],
                status=STATUS_OF.get(row_result.import_type, ERROR),
                title=str(values.get(resource.title_field, "")),
                subtitle=str(values.get(resource.subtitle_field, "")),
                changes=getattr(row_result, "changed_labels", []),
                errors=_row_errors(row_result, resource.labels),
            )
        )
    return ImportReport(
        rows=rows,
        file_errors=file_errors,
        ignored_headers=table.ignored_headers,
        encoding=table.encoding,
    )


def _row_errors(row_result: RowResult, labels: dict[str, str]) -> list[str]:
    messages = []
    if row_result.validation_error is not None:
        order = {name: position for position, name in enumerate(labels)}
        errors = _error_dict(row_result.validation_error).items()
        for name, texts in sorted(errors, key=lambda item: order.get(item[0], -1)):
            label = labels.get(name)
            for text in texts:
                messages.append(f"{label}: {text}" if label and name != NON_FIELD_ERRORS else text)
    for error in row_result.errors:
        logger.warning("Unexpected error importing a row", exc_info=error.error)
        messages.append(
            _("Unexpected error in this row. If it happens again, tell an administrator.")
        )
    return messages


def _error_dict(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}
