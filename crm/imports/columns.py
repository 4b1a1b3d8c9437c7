"""The columns an import file may have, and how a header cell is recognised.

A header is matched after dropping case, accents, spaces and a trailing "*" or ":", against
the column's label as shown in the app (the same words the client export writes, so an
exported file can be edited and imported back), the seed's words and the field name.
"""

import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from crm.models import CLIENT_FIELDS


@dataclass(frozen=True)
class Column:
    field: str  # the resource field (a model attribute) the column fills
    label: str | Promise  # the header the app shows and writes in the template file
    help: str | Promise
    aliases: tuple[str, ...] = ()
    required: bool = False  # the file must have this column


def header_key(text: object) -> str:
    """A header cell reduced for comparison: "Teléfono *" and "telefono" are the same."""
    plain = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    plain = plain.strip().rstrip("*:").strip().lower()
    return " ".join(plain.replace("_", " ").split())


def column_for_header(columns: tuple[Column, ...], header: object) -> Column | None:
    key = header_key(header)
    if not key:
        return None
    for column in columns:
        names = (column.label, column.field, *column.aliases)
        if key in {header_key(name) for name in names}:
            return column
    return None


_CLIENT_COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        _("Name or company name"),
        _("Required for new clients."),
        aliases=("Nombre o razón social", "Razón social", "Nombre", "Cliente"),
    ),
    Column(
        "tax_id",
        _("RIF/NIT"),
        _(
            "Required. A Venezuelan RIF (J-12345678-9) or a Colombian NIT, with or without "
            "dashes. A client already registered with this RIF/NIT is updated, not duplicated."
        ),
        aliases=("RIF/NIT", "RIF", "NIT", "RIF o NIT"),
        required=True,
    ),
    Column(
        "kind",
        _("Type"),
        _("Company or Natural person. Empty: Company."),
        aliases=("Tipo", "Tipo de cliente"),
    ),
    Column(
        "industry",
        _("Industry"),
        _("One of the industries of the catalogue, written as in the app."),
        aliases=("Industria", "Sector"),
    ),
    Column(
        "segment",
        _("Segment"),
        _("A, B or C. Required for new clients."),
        aliases=("Segmento",),
    ),
    Column("address", _("Address"), _("Free text."), aliases=("Dirección",)),
    Column(
        "phone",
        _("Phone"),
        _("A Venezuelan number (0212-555-0101) or an international one (+57 ...)."),
        aliases=("Teléfono", "Telefono", "Tlf"),
    ),
    Column("email", _("Email"), _("A valid email address."), aliases=("Email", "Correo")),
    Column(
        "website",
        _("Website"),
        _("For example www.empresa.com.ve."),
        aliases=("Sitio web", "Web", "Página web"),
    ),
    Column(
        "lead_source",
        _("Lead source"),
        _("Referral, Web, Event, Cold call, Social media or Other."),
        aliases=("Fuente de lead", "Fuente"),
    ),
    Column(
        "owner",
        _("Assigned executive"),
        _(
            "The username of a user with a commercial role. Empty: you, for new clients. "
            "Only managers can reassign an existing client."
        ),
        aliases=("Ejecutivo asignado", "Ejecutivo", "Usuario"),
    ),
    Column(
        "potential",
        _("Business potential"),
        _("An amount, such as 15000 or 15.000,50."),
        aliases=("Potencial de negocio", "Potencial"),
    ),
    Column("notes", _("Notes"), _("Free text."), aliases=("Notas", "Observaciones")),
)
# One column per client field, in the order of crm.models.CLIENT_FIELDS (a field without
# its column fails here, at import time).
CLIENT_COLUMNS: tuple[Column, ...] = tuple(
    {column.field: column for column in _CLIENT_COLUMNS}[name] for name in CLIENT_FIELDS
)

CONTACT_COLUMNS: tuple[Column, ...] = (
    Column(
        "client",
        _("Client RIF/NIT"),
        _("Required. The RIF/NIT of one of your clients."),
        aliases=("RIF/NIT del cliente", "RIF del cliente", "RIF/NIT", "RIF", "NIT"),
        required=True,
    ),
    Column(
        "name",
        _("Contact name"),
        _("Required for new contacts."),
        aliases=("Nombre del contacto", "Contacto", "Nombre"),
    ),
    Column("position", _("Position"), _("Free text."), aliases=("Cargo",)),
    Column(
        "email",
        _("Email"),
        _(
            "A contact of the client with this email is updated; without email, one with "
            "the same name. Otherwise the contact is added."
        ),
        aliases=("Email", "Correo"),
    ),
    Column(
        "phone",
        _("Phone"),
        _("A Venezuelan number (0414-123-4567) or an international one."),
        aliases=("Teléfono", "Telefono"),
    ),
    Column(
        "is_primary",
        _("Is primary contact"),
        _("Yes or No. A new primary contact replaces the client's previous one."),
        aliases=("Es contacto principal", "Contacto principal", "Principal"),
    ),
)

# Blank cells never change anything: on a new record the field keeps its default, on an
# existing one its current value. Clearing a value is done in the client form.
