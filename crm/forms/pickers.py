"""The searchable picker: one field for every choice of a client, an opportunity, a contact or
a project, whose records are too many for a <select>.

- The rendered <select> holds only the selected option (the initial, bound or posted value)
  and the empty one: its size and its one query do not grow with the records.
- Validation is Django's ModelChoiceField against the form's full scoped queryset: a record
  outside it is "Seleccione una opción válida" (or the field's own message), as before.
- With JavaScript (static/js/picker.js) the <select> is hidden behind a combobox whose
  results come, as the user types, from crm:picker (crm.selectors.pickers), narrowed to the
  chosen client when the field depends on one.
- Without JavaScript the <select> stays: a value that came preselected (from the client's
  or opportunity's page) is kept and the form can be sent.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django_stubs_ext import StrOrPromise

from crm.forms.base import int_or_none
from crm.selectors.pickers import KINDS

# What a user may type into the search box (and what comes back when the form is redrawn).
MAX_TYPED = 100


class PickerSelect(forms.Select):
    template_name = "includes/picker.html"

    def __init__(
        self, attrs: dict[str, Any] | None = None, *, kind: str = "", depends_on: str | None = None
    ) -> None:
        super().__init__(attrs)
        self.kind = kind
        self.depends_on = depends_on
        self.typed = ""

    def value_from_datadict(
        self, data: Mapping[str, Any], files: MultiValueDict[str, UploadedFile], name: str
    ) -> Any:
        # What was typed into the search box, to show it again if the form comes back.
        self.typed = str(data.get(f"{name}_search") or "")[:MAX_TYPED]
        return super().value_from_datadict(data, files, name)

    def _selected_choices(self, values: Sequence[str]) -> list[tuple[Any, Any]]:
        """The empty choice and the record(s) of `values` that are in the field's queryset
        (one query, none without a value)."""
        iterator = self.choices
        if not isinstance(iterator, ModelChoiceIterator):  # plain choices
            return list(iterator)
        field = iterator.field
        choices: list[tuple[ModelChoiceIteratorValue | str, StrOrPromise]] = (
            [("", field.empty_label)] if field.empty_label is not None else []
        )
        ids = [pk for pk in (int_or_none(value) for value in values if value) if pk is not None]
        if ids:
            choices += [iterator.choice(row) for row in iterator.queryset.filter(pk__in=ids)]
        return choices

    def optgroups(
        self, name: str, value: list[str], attrs: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        every = self.choices
        self.choices = self._selected_choices(value)
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = every

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        chosen = [
            option["label"]
            for _group, options, _index in widget["optgroups"]
            for option in options
            if option["selected"] and str(option["value"]) != ""
        ]
        widget["picker"] = {
            "url": reverse("crm:picker", args=[self.kind]),
            "depends_on": self.depends_on or "",
            "text": chosen[0] if chosen else self.typed,
            "chosen": bool(chosen),
            "max_typed": MAX_TYPED,
            "describedby": widget["attrs"].get("aria-describedby", ""),
        }
        return context


class PickerChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField with the searchable picker: `kind` is one of
    crm.selectors.pickers.KINDS (its results should be the field's queryset, searched);
    `depends_on` names the form's client field that narrows the results."""

    widget = PickerSelect

    def __init__(self, *, kind: str, depends_on: str | None = None, **kwargs: Any) -> None:
        if kind not in KINDS:
            raise ValueError(f"Unknown picker kind {kind!r}")
        kwargs.setdefault("widget", PickerSelect(kind=kind, depends_on=depends_on))
        super().__init__(**kwargs)
