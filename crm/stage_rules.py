"""The seed's FAQ "¿Cuándo debo mover una oportunidad a la siguiente etapa?", written once and
shown wherever a stage is chosen (form, board, move page, follow-up), and the one rule of it
the app enforces: a lead is qualified with BANT before it leaves Prospección."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm.models import Opportunity, Stage

# The rule for entering each stage after Prospección.
RULE_TO_ENTER = {
    Stage.QUALIFICATION: _("Prospecting → Qualification: when you confirm it is a qualified lead"),
    Stage.PROPOSAL: _("Qualification → Proposal: when the client asks for a quote"),
    Stage.NEGOTIATION: _("Proposal → Negotiation: when the client is reviewing the proposal"),
    Stage.CLOSING: _("Negotiation → Closing: when the client is ready to sign"),
}

# The rule for leaving each open stage (the next one's entry rule; Cierre ends in a sale).
RULE_TO_LEAVE = {
    Stage.PROSPECTING: RULE_TO_ENTER[Stage.QUALIFICATION],
    Stage.QUALIFICATION: RULE_TO_ENTER[Stage.PROPOSAL],
    Stage.PROPOSAL: RULE_TO_ENTER[Stage.NEGOTIATION],
    Stage.NEGOTIATION: RULE_TO_ENTER[Stage.CLOSING],
    Stage.CLOSING: _("Closing → Won: use “Close sale” when the client confirms"),
}

BANT_MISSING = _("Qualify the lead first: answer Budget, Authority, Need and Timeline (BANT).")


def bant_required(*, from_stage: str | None, to_stage: str) -> bool:
    """Whether entering `to_stage` waits for the four BANT answers: "Prospección →
    Calificación: cuando confirmas que es un lead calificado" (FAQ "¿Cómo califico un lead?").
    It applies to a lead leaving Prospección, or created directly past it (from_stage None),
    for any stage but Perdida."""
    return from_stage in (None, Stage.PROSPECTING) and to_stage not in (
        Stage.PROSPECTING,
        Stage.LOST,
    )


def needs_bant(opportunity: Opportunity, *, to_stage: str) -> bool:
    """bant_required() for this opportunity, and its answers are not all there yet. The
    services enforce it (check_bant); the opportunity form, the board, the move page and the
    follow-up page ask it to offer the BANT questions beforehand."""
    from_stage = None if opportunity.pk is None else opportunity.stage
    required = bant_required(from_stage=from_stage, to_stage=to_stage)
    return required and not opportunity.bant_answered


def check_bant(opportunity: Opportunity, *, to_stage: str) -> None:
    """Refuse, on the stage field, a move (or a creation) that needs_bant() forbids."""
    if needs_bant(opportunity, to_stage=to_stage):
        raise ValidationError({"stage": BANT_MISSING})
