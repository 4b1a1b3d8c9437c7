"""Forms of the pipeline board and of a stage move: the move (`MoveForm`), its BANT step
(`BantForm`), the board's query (`BoardQuery`) and `StageMove`, one request to the move URL
parsed into what the service needs and what stands in its way.

A move arrives from a dragged card (static/js/board.js, through htmx), from a card's "Mover"
form (htmx or plain POST) or from the move page; the rules themselves (FAQ stages, BANT) are
the services' and `crm.stage_rules`', only asked here to offer the right page.
"""

from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.http import AuthenticatedHttpRequest
from config.forms import BootstrapFormMixin
from config.redirects import next_path
from crm.concurrency import StaleVersionError
from crm.forms.base import QueryForm, VersionField, field_label, form_field, query_count
from crm.models import BANT_FIELDS, BANT_QUESTIONS, Opportunity, Stage
from crm.stage_rules import needs_bant

CHOOSE_STAGE = _("Choose the stage to move to.")
STALE_MESSAGE = _("Someone else moved or changed this opportunity. Reload the board.")
# Won and lost ask for their details on pages of their own ("Cerrar Venta", "Perdida").
FLOW_OF_STAGE: dict[str, str] = {
    Stage.WON: "crm:opportunity_win",
    Stage.LOST: "crm:opportunity_lose",
}


class MoveForm(BootstrapFormMixin, forms.Form):
    """Where to move and from which version of the opportunity the user saw."""

    to_stage = forms.ChoiceField(
        label=_("Move to stage"),
        choices=Stage.choices,
        error_messages={"required": CHOOSE_STAGE, "invalid_choice": CHOOSE_STAGE},
    )
    version = VersionField(min_value=1)

    @classmethod
    def for_page(cls, *, opportunity: Opportunity, to_stage: str, version: int) -> Self:
        """The move page's form: every stage but the current one. (A POST accepts any stage,
        so that a move based on an outdated page is refused as outdated, not as invalid.)"""
        form = cls(initial={"to_stage": to_stage, "version": version})
        form_field(form, "to_stage", forms.ChoiceField).choices = [
            (value, label) for value, label in Stage.choices if value != opportunity.stage
        ]
        return form


YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


def _yes_no(value: str) -> bool:
    return value == "yes"


def _label(name: str) -> StrOrPromise:
    return field_label(Opportunity, name)


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


def following_stage(stage: str) -> str:
    """The stage after `stage` in the pipeline (the last one stays): what a move offers."""
    stages = list(Stage.values)
    return stages[min(stages.index(stage) + 1, len(stages) - 1)]


@dataclass
class StageMove:
    """One request to the move URL, parsed: the stage asked for and the version the user saw,
    where to go back, and what stands between it and the service. Won and lost have pages of
    their own (`flow_url`); a lead leaving Prospección unqualified is asked BANT first
    (`bant_form`, unbound until the move page sends the answers). `ready` says the service
    may be asked; `refuse()` records why it said no."""

    opportunity: Opportunity
    next_url: str
    to_stage: str  # as posted when valid, else the stage the move page offers
    version: int
    form: MoveForm | None = None  # the posted form; None for the move page (GET)
    bant_form: BantForm | None = None
    flow_url: str = ""
    refusal: str = ""

    @classmethod
    def parse(cls, request: AuthenticatedHttpRequest, *, opportunity: Opportunity) -> Self:
        # Back to a local path the form or the link carried, else the opportunity's page.
        next_url = next_path(request, fallback=opportunity.get_absolute_url())
        if request.method != "POST":
            asked = request.GET.get("to_stage")
            version = BoardQuery(request.GET).values()["version"] or opportunity.version
            return cls._asking(opportunity, next_url, to_stage=asked, version=version)
        form = MoveForm(request.POST)
        if not form.is_valid():
            default = following_stage(opportunity.stage)
            return cls(opportunity, next_url, default, opportunity.version, form=form)
        to_stage, version = form.cleaned_data["to_stage"], form.cleaned_data["version"]
        move = cls(opportunity, next_url, to_stage, version, form=form)
        if move.to_stage in FLOW_OF_STAGE:
            move.flow_url = reverse(FLOW_OF_STAGE[move.to_stage], args=[opportunity.pk])
        elif needs_bant(opportunity, to_stage=move.to_stage):
            # The answers come from the move page only, never from a card.
            answered = "bant" in request.POST and not request.htmx
            move.bant_form = BantForm(
                request.POST if answered else None, initial=BantForm.initial_for(opportunity)
            )
        return move

    @classmethod
    def _asking(
        cls, opportunity: Opportunity, next_url: str, *, to_stage: str | None, version: int
    ) -> Self:
        """The move page before anything is posted: the stage asked for (else the next one)
        and, when the rule asks for them, the BANT questions with the answers already kept."""
        if to_stage is None or to_stage not in Stage.values or to_stage == opportunity.stage:
            to_stage = following_stage(opportunity.stage)
        move = cls(opportunity, next_url, to_stage, version)
        if needs_bant(opportunity, to_stage=to_stage):
            move.bant_form = BantForm(initial=BantForm.initial_for(opportunity))
        return move

    @property
    def ready(self) -> bool:
        """A valid stage of no flow of its own, with its BANT answers when the rule asks."""
        if self.form is None or not self.form.is_valid() or self.flow_url:
            return False
        return self.bant_form is None or self.bant_form.is_valid()

    @property
    def bant_answers(self) -> dict[str, Any] | None:
        """The BANT answers to record with the move, when the rule asked for them."""
        return None if self.bant_form is None else self.bant_form.cleaned_data

    def refuse(self, error: StaleVersionError | ValidationError) -> None:
        """The service said no: nothing was saved. A stale move's answers are offered again
        from the current version."""
        if isinstance(error, StaleVersionError):
            self.refusal = str(STALE_MESSAGE)
            self.version = self.opportunity.version
        else:
            self.refusal = " ".join(error.messages)

    @property
    def page_url(self) -> str:
        """The move page for this move (where a card's move goes to be asked BANT)."""
        query = urlencode(
            {"to_stage": self.to_stage, "version": self.version, "next": self.next_url}
        )
        return f"{reverse('crm:opportunity_move', args=[self.opportunity.pk])}?{query}"
