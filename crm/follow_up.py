"""Follow-up discipline from the FAQ "¿Con qué frecuencia debo dar seguimiento?".

The rule, in one place. For an open opportunity, counting only live activities (not deleted,
not cancelled):

- **Vencida** (OVERDUE): its next planned activity's date has passed.
- **Al día** (PLANNED): it has a next activity planned in the future.
- **Requiere seguimiento** (REQUIRED): nothing is planned and it has not been touched (an
  activity done, or a stage move) for longer than its stage's frequency
  (StageSetting.follow_up_days: Prospección 14 days, Calificación 7, Propuesta 5, …).
- **Sin próxima actividad** (UNPLANNED): nothing is planned, but it is still within its
  stage's frequency (or its stage has none): plan the next activity before it goes stale.

Closed opportunities have no state (""). The SQL lives on the opportunities' QuerySet
(crm.models.opportunities.OpportunityQuerySet): `.with_follow_up_state()` annotates the state
of each row of a page in the same query, `.requiring_follow_up()` and
`.without_next_activity()` select over the whole pipeline with anti-joins (NOT EXISTS), never
a per-row subquery. This module holds only their shared vocabulary, and imports no model, so
the models can use it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class FollowUpState(models.TextChoices):
    OVERDUE = "overdue", _("Overdue")
    PLANNED = "planned", _("Up to date")
    REQUIRED = "required", _("Requires follow-up")
    UNPLANNED = "unplanned", _("No next activity")
    CLOSED = "", _("Closed")

    @property
    def hint(self) -> StrOrPromise:
        """What the badge means, for its tooltip."""
        return HINTS.get(self, "")

    @property
    def badge_class(self) -> str:
        """The badge's colour; no badge when empty (up to date, closed)."""
        return BADGE_CLASSES.get(self, "")


BADGE_CLASSES = {
    FollowUpState.OVERDUE: "text-bg-danger",
    FollowUpState.REQUIRED: "text-bg-warning",
    FollowUpState.UNPLANNED: "text-bg-light border",
}
HINTS = {
    FollowUpState.OVERDUE: _("A planned activity is past its date."),
    FollowUpState.REQUIRED: _(
        "Nothing planned and no contact for longer than the stage's follow-up frequency."
    ),
    FollowUpState.UNPLANNED: _("Nothing planned yet: schedule the next activity."),
}
