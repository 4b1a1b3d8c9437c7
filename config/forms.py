"""Project-wide form rendering: Bootstrap classes on widgets and one field template."""

from django import forms
from django.forms.renderers import TemplatesSetting


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
