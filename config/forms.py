"""Project-wide form rendering: Bootstrap classes on widgets and one field template."""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


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


class AmountField(forms.DecimalField):
    """A money amount in the company currency: two decimals, never negative."""

    default_error_messages = {
        "invalid": _("Enter an amount such as 24000 or 24000.50."),
        "min_value": _("The amount cannot be negative."),
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.NumberInput(attrs={"min": 0, "step": "0.01"}))
        super().__init__(max_digits=14, decimal_places=2, min_value=0, **kwargs)


class LocalDateField(forms.DateField):
    widget = DateInput
    default_error_messages = {"invalid": _("Enter a date such as 15/12/2026.")}


class LocalDateTimeField(forms.DateTimeField):
    widget = DateTimeInput
    default_error_messages = {"invalid": _("Enter a date and time such as 15/12/2026 09:00.")}
