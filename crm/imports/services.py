"""Writes of the imports: run a file's rows through their resource, either as a dry run
(everything rolled back: the preview) or for real (one transaction, rolled back as a whole
if any row fails, so a file is imported entirely or not at all)."""

from accounts.models import User
from audit.models import EventKind
from audit.services import record_security_event
from crm.imports.files import Table
from crm.imports.report import ImportReport, build_report
from crm.imports.resources import ClientImportResource, ContactImportResource, ImportResource


def clients_import(*, user: User, table: Table, dry_run: bool) -> ImportReport:
    """Create or update the user's clients from the rows of `table` (see
    ClientImportResource for the matching rules); with dry_run nothing is kept."""
    report = _run(ClientImportResource, user=user, table=table, dry_run=dry_run)
    _record(user=user, report=report, dry_run=dry_run, what="clients")
    return report


def contacts_import(*, user: User, table: Table, dry_run: bool) -> ImportReport:
    """Create or update contacts of the user's clients from the rows of `table` (see
    ContactImportResource); with dry_run nothing is kept."""
    report = _run(ContactImportResource, user=user, table=table, dry_run=dry_run)
    _record(user=user, report=report, dry_run=dry_run, what="contacts")
    return report


def _record(*, user: User, report: ImportReport, dry_run: bool, what: str) -> None:
    """A kept import goes to the security log with its row counts (a preview does not)."""
    if dry_run or report.has_errors:
        return
    totals = report.totals
    record_security_event(
        kind=EventKind.IMPORT,
        user=user,
        target=what,
        count=len(report.rows),
        detail=", ".join(f"{status}: {count}" for status, count in totals.items()),
    )


def _run(
    resource_class: type[ImportResource], *, user: User, table: Table, dry_run: bool
) -> ImportReport:
    resource = resource_class(user=user, lines=table.lines)
    # import_data wraps every row in one atomic block and rolls it back on a dry run or,
    # with rollback_on_validation_errors, as soon as any row was refused.
    result = resource.import_data(
        table.dataset(),
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
    return build_report(result, table, resource)
