"""Project-wide form rendering: Bootstrap classes on widgets and one field template."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from config.amounts import format_amount, parse_amount


class RumboFormRenderer(TemplatesSetting):
    field_template_name = "includes/field.html"


class BootstrapFormMixin:
    """Gives every widget its Bootstrap class; labels carry no trailing colon."""

    def __init__(self, *args, **kwargs) -> None:
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


class FilterForm(BootstrapFormMixin, forms.Form):
    """Base form of every FilterSet (Meta.form), so filters look like the rest of the app."""


class DateInput(forms.DateInput):
    """A native date picker; browsers send ISO dates, which DATE_INPUT_FORMATS accepts."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """A native date-and-time picker (local time, to the minute)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class AmountInput(forms.TextInput):
    """A text box for an amount (a number box refuses "1.500.000,50"), with the decimal keypad
    on phones. An amount shows formatted ("1.500.000,50"); text shows as it is."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int | float):
            return format_amount(value)
        return super().format_value(value)


class AmountBoundField(BoundField):
    """Shows a valid amount formatted ("1500000.5" typed comes back "1.500.000,50", so the
    user sees how it was read) and, on error, exactly what the user typed to correct it."""

    def value(self):
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

    def __init__(self, **kwargs) -> None:
        # A model's DecimalField passes its own digits (ModelForm Meta.field_classes).
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(min_value=0, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int):
            return Decimal(value)
        amount = parse_amount(str(value))
        if amount is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return amount


class LocalDateField(forms.DateField):
    widget = DateInput
    default_error_messages = {"invalid": _("Enter a date such as 15/12/2026.")}


class LocalDateTimeField(forms.DateTimeField):
    widget = DateTimeInput
    default_error_messages = {"invalid": _("Enter a date and time such as 15/12/2026 09:00.")}
