"""Forms of the stage move (board card, move page) and of its BANT qualification step."""

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from config.forms import BootstrapFormMixin
from crm.forms.base import QueryForm, VersionField, query_count
from crm.models import BANT_FIELDS, BANT_QUESTIONS, Opportunity, Stage


class MoveForm(BootstrapFormMixin, forms.Form):
    """Where to move and from which version of the opportunity the user saw."""

    to_stage = forms.ChoiceField(
        label=_("Move to stage"),
        choices=Stage.choices,
        error_messages={
            "required": _("Choose the stage to move to."),
            "invalid_choice": _("Choose the stage to move to."),
        },
    )
    version = VersionField(min_value=1)

    @classmethod
    def for_page(cls, *, opportunity: Opportunity, to_stage: str, version: int) -> "MoveForm":
        """The move page's form: every stage but the current one. (A POST accepts any stage,
        so that a move based on an outdated page is refused as outdated, not as invalid.)"""
        form = cls(initial={"to_stage": to_stage, "version": version})
        form.fields["to_stage"].choices = [
            (value, label) for value, label in Stage.choices if value != opportunity.stage
        ]
        return form


YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


def _yes_no(value: str) -> bool:
    return value == "yes"


def _label(name: str) -> str:
    return capfirst(Opportunity._meta.get_field(name).verbose_name)


class BantForm(BootstrapFormMixin, forms.Form):
    """BANT (FAQ "¿Cómo califico un lead?"): four yes/no answers, each with a note."""

    bant_budget = forms.TypedChoiceField(
        label=_label("bant_budget"), choices=YES_NO, coerce=_yes_no, empty_value=None
    )
    bant_budget_note = forms.CharField(
        label=_label("bant_budget_note"), max_length=300, required=False
    )
    bant_authority = forms.TypedChoiceField(
        label=_label("bant_authority"), choices=YES_NO, coerce=_yes_no, empty_value=None
    )
    bant_authority_note = forms.CharField(
        label=_label("bant_authority_note"), max_length=300, required=False
    )
    bant_need = forms.TypedChoiceField(
        label=_label("bant_need"), choices=YES_NO, coerce=_yes_no, empty_value=None
    )
    bant_need_note = forms.CharField(label=_label("bant_need_note"), max_length=300, required=False)
    bant_timeline = forms.TypedChoiceField(
        label=_label("bant_timeline"), choices=YES_NO, coerce=_yes_no, empty_value=None
    )
    bant_timeline_note = forms.CharField(
        label=_label("bant_timeline_note"), max_length=300, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in BANT_QUESTIONS:
            self.fields[name].error_messages["required"] = _("Answer yes or no.")

    @classmethod
    def initial_for(cls, opportunity: Opportunity) -> dict:
        """The answers already recorded: True/False shown as yes/no, None left blank."""
        initial = {}
        for name in BANT_FIELDS:
            value = getattr(opportunity, name)
            if isinstance(value, bool):
                value = "yes" if value else "no"
            initial[name] = "" if value is None else value
        return initial


class BoardQuery(QueryForm):
    """`page` of a board column's "Ver más"; `version` the move page was opened at."""

    page = query_count()
    version = query_count()
