"""What the CRM's forms share: a service's ValidationError shown on the field it names, and
reading a submitted integer (an id, a version, a page) that may be missing, not a number or
beyond what its database column holds."""

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import Currency

# What a user may send as a whole number: ASCII digits with an optional sign, and not more of
# them than a 64-bit column could hold ("²" is a digit to str.isdigit(), "1_000" is a number
# to int(); neither is typed by anyone).
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,20}", re.ASCII)


if TYPE_CHECKING:
    # What a form mixin is mixed into: a form, to the type checker; nothing at runtime.
    FormMixinBase = forms.BaseForm
else:
    FormMixinBase = object


def model_field(model: type[models.Model], name: str) -> "models.Field[Any, Any]":
    """One of the model's own fields (not a reverse relation): what a form or a page
    labels and shows."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is a reverse relation, not a field")
    return field


def form_field[F: forms.Field](form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """A form's field as the kind it was declared (django-stubs types `form.fields` as
    plain Field), to set its choices or queryset."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


def field_label(model: type[models.Model], name: str) -> StrOrPromise:
    """A model field's verbose name, capitalised: its label in a form or on a page."""
    return capfirst(model_field(model, name).verbose_name)


class ServiceErrorsMixin(FormMixinBase):
    """For forms whose data a service validates (services raise ValidationError keyed by
    model field): `service_fields` maps a service's key to the form field that shows it."""

    service_fields: dict[str, str] = {}

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's ValidationError on its field, or above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            name = self.service_fields.get(key, key)
            self.add_error(name if name in self.fields else None, errors)


def column_range(column: str = "BigAutoField") -> tuple[int, int]:
    """The smallest and largest value the database stores in a column of that internal type
    (ids are BigAutoField; versions PositiveIntegerField)."""
    low, high = connection.ops.integer_field_range(column)
    return (-(2**63) if low is None else low), (2**63 - 1 if high is None else high)


def int_or_none(value: object, *, column: str = "BigAutoField") -> int | None:
    """A submitted id or count ("12"), or None when it is missing, not a whole number, or out
    of the column's range (a 20-digit id matches no record; SQLite cannot even be asked)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    low, high = column_range(column)
    return number if low <= number <= high else None


class ColumnIntegerField(forms.IntegerField):
    """A submitted id or version (usually hidden), refused beyond its column's range with the
    form's message rather than sent to the database."""

    default_error_messages = {
        "invalid": _("This form is out of date or was altered. Reload the page."),
        "min_value": _("This form is out of date or was altered. Reload the page."),
        "max_value": _("This form is out of date or was altered. Reload the page."),
    }

    def __init__(self, *, column: str = "BigAutoField", **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)
        low, high = column_range(column)
        # (A callable min_value is not used with these fields.)
        if self.min_value is None or (not callable(self.min_value) and self.min_value < low):
            self.validators.append(MinValueValidator(low))
        self.validators.append(MaxValueValidator(high))

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = int_or_none(
            value if isinstance(value, int) else str(value), column="BigIntegerField"
        )
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class VersionField(ColumnIntegerField):
    """The version a form was opened at (crm.concurrency.VersionedModel.version)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(column="PositiveIntegerField", **kwargs)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of records whose ids are checked against the id column first (the
    `pk__in` query of Django's field overflows SQLite on a 20-digit id)."""

    def _check_values(self, value: Any) -> Any:
        try:
            values = frozenset(value)
        except TypeError:
            # django-stubs omits the private ModelMultipleChoiceField._check_values.
            return super()._check_values(value)  # type: ignore[misc]
        for pk in values:
            if int_or_none(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # (as above)


class QueryForm(forms.Form):
    """The whole numbers a page reads from its query string (a page, an id to preselect).
    A value that is missing, not a number or out of range reads as None, never as an error
    page: the view applies its default, as a link with a bad `page` still shows the first."""

    def values(self) -> dict[str, int | None]:
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}


def query_id() -> ColumnIntegerField:
    """A record id in a query string."""
    return ColumnIntegerField(required=False)


def query_count(**kwargs: Any) -> ColumnIntegerField:
    """A page or version in a query string: from 1 to what an integer column holds (a page
    past it would overflow the query's OFFSET)."""
    return ColumnIntegerField(column="IntegerField", min_value=1, required=False, **kwargs)


class CurrencyField(forms.ChoiceField):
    """The currency an amount is typed in (USD or VES), shown beside its amount field; not
    sent (a form posted by an older page or a script) reads as USD, the company's legacy
    currency."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Currency"))
        kwargs.setdefault("initial", Currency.USD)
        kwargs.setdefault(
            "error_messages", {"invalid_choice": _("Choose the currency: USD or VES.")}
        )
        # The codes only: the select sits beside the amount, inside its input group.
        super().__init__(choices=[(code, code) for code in Currency.values], **kwargs)
        self.widget.attrs.setdefault("class", "form-select flex-grow-0 w-auto")

    def clean(self, value: Any) -> str:
        return super().clean(value) or Currency.USD
