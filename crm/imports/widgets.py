"""django-import-export widgets that read one cell and explain, in Spanish, what is wrong.

A widget raises ValueError with the message the user sees; the resource files it under the
column. The lookups (industries, executives) are read once per import, not once per row.
"""

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import widgets

from accounts.models import User
from accounts.selectors import assignable_executives
from config.amounts import parse_amount
from crm.imports.columns import header_key
from crm.models import ClientKind, Industry, LeadSource
from crm.phones import normalize_phone
from crm.tax_ids import normalize_tax_id

# The seed's words for the choices, accepted whatever the catalogue says.
SPANISH_CHOICES = {
    ClientKind.COMPANY: ("Empresa", "Jurídica", "Persona jurídica"),
    ClientKind.PERSON: ("Persona Natural", "Natural", "Persona"),
    LeadSource.REFERRAL: ("Referido",),
    LeadSource.WEB: ("Web", "Sitio web"),
    LeadSource.EVENT: ("Evento",),
    LeadSource.COLD_CALL: ("Llamada en frío",),
    LeadSource.SOCIAL: ("Redes sociales",),
    LeadSource.OTHER: ("Otro",),
}
YES = {"si", "s", "yes", "y", "true", "verdadero", "1", "x"}
NO = {"no", "n", "false", "falso", "0"}


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class TextWidget(widgets.CharWidget):
    def clean(self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        return super().clean(value, row, **kwargs).strip()


class TaxIdWidget(widgets.Widget):
    """A RIF or NIT in any usual spelling, stored in its normalised form."""

    def clean(self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        try:
            return normalize_tax_id(str(value))
        except ValidationError as exc:
            raise ValueError(_error_text(exc)) from None


class ChoiceWidget(widgets.Widget):
    """A choice written as its value, its label (Spanish or English) or a seed word."""

    def __init__(self, choices: type[models.Choices]) -> None:
        super().__init__()
        self.choices = choices

    def _names(self) -> dict[str, str]:
        names = {}
        for value, label in self.choices.choices:
            spellings = [value, str(label), *SPANISH_CHOICES.get(value, ())]
            with translation.override("en"):
                spellings.append(str(label))
            names.update({header_key(spelling): value for spelling in spellings})
        return names

    def clean(self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        found = self._names().get(header_key(value))
        if found is None:
            options = ", ".join(str(label) for _value, label in self.choices.choices)
            raise ValueError(
                _("“%(value)s” is not a valid option. Use one of: %(options)s.")
                % {"value": value, "options": options}
            )
        return found


class IndustryWidget(widgets.Widget):
    """An active industry of the catalogue, by name (case and accents do not matter)."""

    def __init__(self) -> None:
        super().__init__()
        self._by_key: dict[str, Industry] | None = None

    def clean(self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        if self._by_key is None:
            self._by_key = {header_key(i.name): i for i in Industry.objects.filter(is_active=True)}
        industry = self._by_key.get(header_key(value))
        if industry is None:
            names = ", ".join(i.name for i in self._by_key.values())
            raise ValueError(
                _("There is no industry “%(value)s” in the catalogue. Use one of: %(names)s.")
                % {"value": value, "names": names}
            )
        return industry


class ExecutiveWidget(widgets.Widget):
    """The assigned executive: the username (or, from an export, the full name) of an
    active user with a commercial role."""

    def __init__(self) -> None:
        super().__init__()
        self._by_key: dict[str, User | None] | None = None

    def _lookup(self) -> dict[str, User | None]:
        if self._by_key is None:
            self._by_key = {}
            full_names: dict[str, list[User]] = {}
            for user in assignable_executives():
                self._by_key[user.username.lower()] = user
                full_names.setdefault(header_key(user.get_full_name()), []).append(user)
            for key, users in full_names.items():
                if key and key not in self._by_key and len(users) == 1:
                    self._by_key[key] = users[0]
        return self._by_key

    def clean(self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        text = str(value).strip()
        user = self._lookup().get(text.lower()) or self._lookup().get(header_key(text))
        if user is not None:
            return user
        if User.objects.filter(username__iexact=text).exists():
            raise ValueError(
                _(
                    "The user “%(value)s” has no commercial role, so no client can be "
                    "assigned to them."
                )
                % {"value": text}
            )
        raise ValueError(_("There is no user “%(value)s”. Write the username.") % {"value": text})


class PhoneWidget(widgets.Widget):
    def clean(self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        try:
            return normalize_phone(str(value))
        except ValidationError as exc:
            raise ValueError(_error_text(exc)) from None


class EmailWidget(widgets.Widget):
    def clean(self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        email = str(value).strip()
        try:
            EmailValidator()(email)
        except ValidationError:
            raise ValueError(
                _("“%(value)s” is not a valid email address.") % {"value": email}
            ) from None
        return email


class WebsiteWidget(widgets.Widget):
    """A website; "www.empresa.com" is read as "https://www.empresa.com"."""

    def clean(self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        url = str(value).strip()
        if "://" not in url:
            url = f"https://{url}"
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValueError(
                _("“%(value)s” is not a valid web address.") % {"value": value}
            ) from None
        return url


class AmountWidget(widgets.Widget):
    """An amount as Excel stores it (a number) or as people type it, read by the same rule
    as the forms (config.amounts.parse_amount: 15000, 15.000,50, 1500000.50); a currency
    sign or code around it ("$ 15.000", "USD 15.000") is ignored."""

    def clean(self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        if isinstance(value, Decimal):
            return value.quantize(Decimal("0.01"))
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Decimal(str(value)).quantize(Decimal("0.01"))
        amount = parse_amount(re.sub(r"^[^\d\-]+|[^\d]+$", "", str(value)))
        if amount is None:
            raise ValueError(
                _("“%(value)s” is not an amount. Write it as 15000 or 15.000,50.")
                % {"value": value}
            )
        return amount.quantize(Decimal("0.01"))


class YesNoWidget(widgets.Widget):
    def clean(self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        if isinstance(value, bool):
            return value
        key = header_key(value)
        if key in YES:
            return True
        if key in NO:
            return False
        raise ValueError(_("Write Yes or No, not “%(value)s”.") % {"value": value})
