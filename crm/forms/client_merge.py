"""The "Fusionar clientes" form: for every field whose values differ, which one survives."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.forms.base import QueryForm, field_label, model_field, query_id
from crm.models import Client
from crm.models.clients import CLIENT_FIELDS
from crm.services.client_merge import MERGED, SURVIVOR, MergeInput


def _shown(client: Client, name: str) -> str:
    """A field's value as the client page shows it (choices by label, empty as a dash)."""
    field = model_field(Client, name)
    value = getattr(client, name)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(getattr(client, f"get_{name}_display")())
    return str(value)


class ClientMergeForm(forms.Form):
    survivor_version = forms.IntegerField(widget=forms.HiddenInput)
    merged_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, survivor: Client, merged: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survivor, self.merged = survivor, merged
        self.fields["survivor_version"].initial = survivor.version
        self.fields["merged_version"].initial = merged.version
        self.differences = []
        for name in CLIENT_FIELDS:
            mine, theirs = _shown(survivor, name), _shown(merged, name)
            if getattr(survivor, name) == getattr(merged, name):
                continue
            # The survivor's value, unless it has none and the other client has one.
            keep = MERGED if mine == "—" and theirs != "—" else SURVIVOR
            self.fields[name] = forms.ChoiceField(
                label=field_label(Client, name),
                choices=[(SURVIVOR, mine), (MERGED, theirs)],
                initial=keep,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose which value the client keeps.")},
            )
            self.differences.append(self[name])

    def merge_input(self) -> MergeInput:
        data = self.cleaned_data
        return MergeInput(
            survivor_id=self.survivor.pk,
            survivor_version=data["survivor_version"],
            merged_id=self.merged.pk,
            merged_version=data["merged_version"],
            choices={name: data[name] for name in CLIENT_FIELDS if name in data},
        )


class MergeQuery(QueryForm):
    """?con=: the client to merge into the one whose page this is."""

    con = query_id()
