"""The two imports the views offer, described once: their columns, service and pages."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crm.imports.columns import CLIENT_COLUMNS, CONTACT_COLUMNS, Column
from crm.imports.report import ImportReport
from crm.imports.services import clients_import, contacts_import


@dataclass(frozen=True)
class ImportKind:
    slug: str  # stored with an upload: a token only confirms the import it was made for
    title: str | Promise
    intro: str | Promise
    columns: tuple[Column, ...]
    run: Callable[..., ImportReport]
    upload_url: str
    confirm_url: str
    done_url: str
    template_stem: str  # name of the downloadable template file
    created_message: Callable[[int], str]

    @property
    def required_columns(self) -> list[Column]:
        return [column for column in self.columns if column.required]

    def success_message(self, report: ImportReport) -> str:
        totals = report.totals
        parts = [
            self.created_message(totals["new"]),
            ngettext("%(count)s updated", "%(count)s updated", totals["update"])
            % {"count": totals["update"]},
        ]
        if totals["unchanged"]:
            parts.append(
                ngettext("%(count)s unchanged", "%(count)s unchanged", totals["unchanged"])
                % {"count": totals["unchanged"]}
            )
        return ", ".join(parts)


CLIENTS = ImportKind(
    slug="clients",
    title=_("Import clients"),
    intro=_(
        "Add or update many clients at once from an Excel (.xlsx) or CSV file. Clients are "
        "matched by RIF/NIT: one already registered is updated, never duplicated."
    ),
    columns=CLIENT_COLUMNS,
    run=clients_import,
    upload_url="crm:client_import",
    confirm_url="crm:client_import_confirm",
    done_url="crm:client_list",
    template_stem="plantilla_clientes",
    created_message=lambda n: (
        ngettext("%(count)s client created", "%(count)s clients created", n) % {"count": n}
    ),
)

CONTACTS = ImportKind(
    slug="contacts",
    title=_("Import contacts"),
    intro=_(
        "Add or update contacts of your clients from an Excel (.xlsx) or CSV file. Each "
        "row names its client by RIF/NIT; the client must already exist."
    ),
    columns=CONTACT_COLUMNS,
    run=contacts_import,
    upload_url="crm:contact_import",
    confirm_url="crm:contact_import_confirm",
    done_url="crm:client_list",
    template_stem="plantilla_contactos",
    created_message=lambda n: (
        ngettext("%(count)s contact created", "%(count)s contacts created", n) % {"count": n}
    ),
)
