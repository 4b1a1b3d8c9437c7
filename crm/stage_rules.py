"""The seed's FAQ "¿Cuándo debo mover una oportunidad a la siguiente etapa?", written once and
shown wherever a stage is chosen (form, board, move page, follow-up)."""

from django.utils.translation import gettext_lazy as _

from crm.models import Stage

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
