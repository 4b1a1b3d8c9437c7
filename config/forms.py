"""Project-wide form rendering: Bootstrap classes on widgets and one field template."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from config.amounts import format_amount, parse_amount


class RumboFormRenderer(TemplatesSetting):
    field_template_name = "includes/field.html"


class BootstrapFormMixin:
    """Gives every widget its Bootstrap class; labels carry no trailing colon."""

    fields: dict[str, forms.Field]  # the form's (mixed into a BaseForm)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            existing = widget.attrs.get("class", "")
            widget.attrs["class"] = f"{existing} {css}".strip()
            if (
                isinstance(widget, forms.widgets.Input)
                and widget.template_name == f"django/forms/widgets/{widget.input_type}.html"
            ):
                # Django's text.html, date.html, email.html… only include input.html.
                widget.template_name = "django/forms/widgets/input.html"


class FilterForm(BootstrapFormMixin, forms.Form):
    """Base form of every FilterSet (Meta.form), so filters look like the rest of the app."""


# The dates a user may enter anywhere (forms, filters, the week view): a business range. Far
# outside it nothing is meant, and at the calendar's edge (0001, 9999) the conversion to UTC
# and any "+ N days" overflow, or PostgreSQL stores a value Python cannot read back.
FIRST_DAY = date(1990, 1, 1)
LAST_DAY = date(2100, 12, 31)


def within_business_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def validate_business_date(value: date | datetime) -> None:
    """Refuse a date (or a date and time, by its local day) outside FIRST_DAY … LAST_DAY."""
    day = value.date() if isinstance(value, datetime) else value
    if not within_business_range(day):
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="out_of_range",
            params={
                "first": date_format(FIRST_DAY, "SHORT_DATE_FORMAT"),
                "last": date_format(LAST_DAY, "SHORT_DATE_FORMAT"),
            },
        )


class DateInput(forms.DateInput):
    """A native date picker; browsers send ISO dates, which DATE_INPUT_FORMATS accepts. Its
    min and max are the business range, so the picker offers nothing else."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        bounds = {"min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()}
        super().__init__(attrs={**bounds, **(attrs or {})}, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """A native date-and-time picker (local time, to the minute), within the business range."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        bounds = {"min": f"{FIRST_DAY.isoformat()}T00:00", "max": f"{LAST_DAY.isoformat()}T23:59"}
        super().__init__(attrs={**bounds, **(attrs or {})}, format="%Y-%m-%dT%H:%M")


class AmountInput(forms.TextInput):
    """A text box for an amount (a number box refuses "1.500.000,50"), with the decimal keypad
    on phones. An amount shows formatted ("1.500.000,50"); text shows as it is."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal | int | float):
            return format_amount(value)
        return super().format_value(value)


class AmountBoundField(BoundField):
    """Shows a valid amount formatted ("1500000.5" typed comes back "1.500.000,50", so the
    user sees how it was read) and, on error, exactly what the user typed to correct it."""

    def value(self) -> Any:
        # A form shown again without validation (a re-render for a dependent field) has no
        # cleaned_data: what was typed then shows as typed.
        cleaned = getattr(self.form, "cleaned_data", {})
        if self.form.is_bound and not self.errors and self.name in cleaned:
            return self.field.prepare_value(cleaned[self.name])
        return super().value()


class AmountField(forms.DecimalField):
    """A money amount in the company currency: two decimals at most, never negative, written
    as in Venezuela (thousands "." and decimal ","). What the user may type:

    - "1.500.000,50", "1.500.000", "1.500,5": groups of three digits after "." are thousands,
      "," starts the decimals. So "1.500" is one thousand five hundred.
    - "1500000,50", "1,5": no grouping, "," starts the decimals. So "1,5" is one and a half.
    - "1500000.50", "24000.5": a "." followed by one or two digits is a decimal point (as a
      calculator writes it); thousands are never written with fewer than three digits.
    - Refused with "Enter an amount such as 1.500.000,50.": anything else, e.g. "1,500,000"
      (US grouping), "1.500.50", "1500.000" (a group of three needs one to three digits
      before it), letters, two decimal commas.
    - Refused as too many decimals: "1,500" (three decimals, even zeros: the user may have
      meant 1.500) and "1,505".

    The value shows back formatted ("1.500.000,50"), or as typed on error; see
    `AmountBoundField`.
    """

    widget = AmountInput
    bound_field_class = AmountBoundField
    default_error_messages = {
        "invalid": _("Enter an amount such as 1.500.000,50."),
        "min_value": _("The amount cannot be negative."),
        "max_decimal_places": _("Enter at most two decimals, as in 1.500.000,50."),
        "max_digits": _("The amount is too large: at most 999.999.999.999,99."),
        "max_whole_digits": _("The amount is too large: at most 999.999.999.999,99."),
    }

    def __init__(self, **kwargs: Any) -> None:
        # A model's DecimalField passes its own digits (ModelForm Meta.field_classes).
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(min_value=0, **kwargs)

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int):
            return Decimal(value)
        amount = parse_amount(str(value))
        if amount is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return amount


class LocalDateField(forms.DateField):
    """Every date a user enters (forms and list filters): as typed or picked, within the
    business range."""

    widget = DateInput
    default_validators = [validate_business_date]
    default_error_messages = {"invalid": _("Enter a date such as 15/12/2026.")}


class LocalDateTimeField(forms.DateTimeField):
    """Every date and time a user enters, in local time, within the business range."""

    widget = DateTimeInput
    default_validators = [validate_business_date]
    default_error_messages = {"invalid": _("Enter a date and time such as 15/12/2026 09:00.")}

    def to_python(self, value: Any) -> Any:
        # The range is checked on what was typed, before the conversion to the time zone (at
        # the calendar's edge that conversion itself overflows).
        if isinstance(value, str):
            try:
                typed = parse_datetime(value.strip())
            except ValueError:
                typed = None
            if typed is not None:
                validate_business_date(typed)
        return super().to_python(value)

    def strptime(self, value: str, format: str) -> datetime:
        typed = super().strptime(value, format)
        validate_business_date(typed)
        return typed
