"""The forms of an opportunity's three flows: "Dar Seguimiento a Oportunidad", "Cerrar Venta"
and "Gestionar Oportunidad Perdida".

Each form carries the opportunity's `version` in a hidden field (a save based on an older
version is refused by the services), turns what was typed into the services' input
(ActivityInput, WonDetails, LostDetails) and shows the services' errors on its fields.
"""

import calendar
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any, Self

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from config.forms import (
    AmountField,
    BootstrapFormMixin,
    LocalDateField,
    LocalDateTimeField,
)
from crm.forms.base import (
    CurrencyField,
    ServiceErrorsMixin,
    VersionField,
    form_field,
    int_or_none,
)
from crm.forms.clients import DraftMixin
from crm.models import (
    CONTACT_ATTEMPT_TYPES,
    OPEN_STAGES,
    Activity,
    ActivityType,
    Contact,
    LossReason,
    Opportunity,
    Stage,
)
from crm.money import original_amount, original_currency
from crm.opportunities.selectors.flows import pending_activities_of, planned_activities_on_close
from crm.opportunities.services import LostDetails, WonDetails
from crm.selectors.clients import contacts_of
from crm.services import ActivityInput
from crm.stage_rules import RULE_TO_LEAVE

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
PLANNED_HOUR = time(9, 0)
DEFAULT_FOLLOW_UP_DAYS = 7
POST_SALE_MONTHS = 1
FUTURE_FOLLOW_UP_MONTHS = 3

FOLLOW_UP_TYPES = (
    ActivityType.CALL,
    ActivityType.MEETING,
    ActivityType.QUOTE_SENT,
    ActivityType.EMAIL,
    ActivityType.WHATSAPP,
    ActivityType.TASK,
)
POST_SALE_TYPES = (
    ActivityType.SATISFACTION_CALL,
    ActivityType.REVIEW_MEETING,
    ActivityType.SATISFACTION_SURVEY,
    ActivityType.CALL,
    ActivityType.MEETING,
)
FUTURE_TYPES = (
    ActivityType.CALL,
    ActivityType.MEETING,
    ActivityType.EMAIL,
    ActivityType.WHATSAPP,
    ActivityType.TASK,
)

PROBABILITY_RANGE = _("The probability goes from 0 to 100 %.")
ANSWERED_CHOICES = [("yes", _("Yes")), ("no", _("No"))]


def planned_at(day: date) -> datetime:
    """The default time of a planned activity: 9:00 on `day`, local time."""
    return timezone.make_aware(datetime.combine(day, PLANNED_HOUR))


def months_later(day: date, months: int) -> date:
    """The same day `months` months later (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def now_to_the_minute() -> datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def _format_local(value: datetime) -> str:
    return timezone.localtime(value).strftime(DATETIME_INPUT)


def _type_choices(types: Iterable[ActivityType]) -> list[tuple[str, StrOrPromise]]:
    return [(kind.value, kind.label) for kind in types]


class AnsweredField(forms.TypedChoiceField):
    """ "¿El cliente respondió?" for a done call, email or WhatsApp: True, False or None
    (not asked). Its answers feed the unanswered-attempts count."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Did the client answer?"))
        kwargs.setdefault("error_messages", {"required": _("Say whether the client answered.")})
        super().__init__(
            choices=ANSWERED_CHOICES,
            coerce=lambda value: value == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            **kwargs,
        )


class FlowForm(ServiceErrorsMixin, DraftMixin, BootstrapFormMixin, forms.Form):
    """What the three flows share: the version, radio buttons styled for Bootstrap, the
    optional planned activity ("Programar …") and the mapping of the services' errors."""

    required_css_class = "required"
    # A service's error key -> the form field it belongs to.
    service_fields: dict[str, str] = {"scheduled_at": "next_at"}
    default_subject: str | Promise = ""

    version = VersionField()
    # "Programar …": labelled by each flow; the three fields below are required when ticked.
    schedule = forms.BooleanField(required=False, initial=True)
    next_type = forms.ChoiceField(label=_("Activity type"), required=False)
    next_at = LocalDateTimeField(
        label=_("Date and time"),
        required=False,
    )
    next_subject = forms.CharField(label=_("Subject"), max_length=200, required=False)

    def __init__(
        self, data: QueryDict | None = None, *, opportunity: Opportunity, draft: bool = False
    ) -> None:
        self.opportunity = opportunity
        initial = {
            "version": opportunity.version,
            "next_subject": self.default_subject,
            **self.initial_values(),
        }
        super().__init__(data, initial=initial)
        self.draft = draft
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "form-check-input"

    def initial_values(self) -> dict:
        return {}

    def choice_field(self, name: str) -> forms.ChoiceField:
        return form_field(self, name, forms.ChoiceField)

    def schedule_fields(self) -> list[forms.BoundField]:
        return [self["next_type"], self["next_at"], self["next_subject"]]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("schedule"):
            # Not scheduling: a half-typed date in the unticked fields must not block saving.
            for name in ("next_type", "next_at", "next_subject"):
                self.errors.pop(name, None)
        else:
            required = {
                "next_type": _("Choose the type of the activity."),
                "next_at": _("Enter the date and time of the activity."),
                "next_subject": _("Enter the subject of the activity."),
            }
            for name, message in required.items():
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
            when = cleaned.get("next_at")
            if when is not None and when <= timezone.now():
                self.add_error("next_at", _("The next activity must be in the future."))
        return cleaned

    def planned_activity(self, *, contact: Contact | None = None) -> ActivityInput | None:
        """The activity to schedule, or None when the box is not ticked."""
        data = self.cleaned_data
        if not data.get("schedule"):
            return None
        return ActivityInput(
            type=data["next_type"],
            subject=data["next_subject"],
            scheduled_at=data["next_at"],
            contact=contact,
        )

    def rebased(self, *, data: QueryDict, current: Opportunity) -> "FlowForm":
        """After an edit conflict: what the user typed, on top of the current version, so that
        saving again is a deliberate decision taken knowing the other changes."""
        data = data.copy()
        data["version"] = str(current.version)
        return type(self)(data, opportunity=current, draft=True)


# "Dar Seguimiento a Oportunidad" -------------------------------------------------------------


class PlannedActivityField(forms.ModelChoiceField):
    """A pending activity of the opportunity, shown with its type and date."""

    def label_from_instance(self, obj: Activity) -> str:
        when = date_format(timezone.localtime(obj.scheduled_at), "SHORT_DATETIME_FORMAT")
        return f"{obj.subject} ({obj.get_type_display()}, {when})"


class FollowUpForm(FlowForm):
    """Seed steps 4 to 7: the activity done with the conversation's notes, the probability
    if it changed, the next stage if it applies and the next activity, in one step."""

    service_fields = {
        "scheduled_at": "next_at",
        "done_at": "done_at",
        "contact": "done_contact",
        "stage": "to_stage",
    }
    default_subject = _("Follow-up")

    performed = PlannedActivityField(
        label=_("Planned activity performed"),
        queryset=Activity.objects.none(),
        required=False,
        empty_label=_("None: this activity was not planned"),
        help_text=_("It is marked as done and stops being the next activity."),
        error_messages={"invalid_choice": _("That planned activity was already done or removed.")},
    )
    done_type = forms.ChoiceField(
        label=_("Activity done"),
        choices=_type_choices(FOLLOW_UP_TYPES),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the activity you did.")},
    )
    done_answered = AnsweredField(
        required=False,
        help_text=_(
            "Calls, emails and WhatsApp: several attempts in a row without answer propose "
            "moving the opportunity to Lost – No response."
        ),
    )
    done_subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        required=False,
        help_text=_(
            "Empty: the planned activity keeps its subject; a new one is named after its type."
        ),
    )
    done_contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.none(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("Choose a contact of this client.")},
    )
    done_at = LocalDateTimeField(
        label=_("Date and time it was done"),
        error_messages={
            "required": _("Enter when the activity was done."),
        },
    )
    notes = forms.CharField(
        label=_("Notes of the conversation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    probability = forms.IntegerField(
        label=_("Update probability if it changed"),
        required=False,
        error_messages={"invalid": PROBABILITY_RANGE},
    )
    to_stage = forms.ChoiceField(
        label=_("Move to the next stage if it applies"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "Choose an open stage: to close it use “Close sale” or “Mark as lost”."
            )
        },
    )
    suggested_at = forms.CharField(required=False, widget=forms.HiddenInput)
    # After a stage change (htmx): whether the date still follows the suggestion, so that
    # only then it is redrawn; a date the user typed is never touched.
    date_follows_suggestion = False

    field_order = [
        "performed",
        "done_type",
        "done_answered",
        "done_subject",
        "done_contact",
        "done_at",
        "notes",
        "probability",
        "to_stage",
        "schedule",
        "next_type",
        "next_at",
        "next_subject",
    ]

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        opportunity: Opportunity,
        follow_up_days: dict,
        draft: bool = False,
    ) -> None:
        self.follow_up_days = follow_up_days
        self.pending = list(
            pending_activities_of(opportunity=opportunity).select_related("contact")
        )
        super().__init__(data, opportunity=opportunity, draft=draft)
        self.fields["schedule"].label = _("Schedule next activity")
        self.choice_field("next_type").choices = _type_choices(FOLLOW_UP_TYPES)
        contact = form_field(self, "done_contact", forms.ModelChoiceField)
        contact.queryset = contacts_of(client=opportunity.client)
        performed = form_field(self, "performed", forms.ModelChoiceField)
        performed.queryset = pending_activities_of(opportunity=opportunity)
        if not self.pending:
            del self.fields["performed"]
        else:
            # Left "as planned", the type and the contact of the planned activity chosen
            # above are kept, whichever it is (the page cannot know it before saving).
            self.fields["done_type"].required = False
            self.choice_field("done_type").choices = [
                ("", _("As planned")),
                *_type_choices(FOLLOW_UP_TYPES),
            ]
            contact.empty_label = _("As planned")
        current = opportunity.get_stage_display()
        self.choice_field("to_stage").choices = [
            ("", _("Keep in %(stage)s") % {"stage": current}),
            *[(s.value, s.label) for s in OPEN_STAGES if s != opportunity.stage],
        ]
        self.fields["to_stage"].help_text = RULE_TO_LEAVE.get(Stage(opportunity.stage), "")
        self.fields["probability"].widget.attrs.update({"min": 0, "max": 100, "step": 1})
        if opportunity.probability_overridden:
            note = _("Now %(value)s %%, set by hand: moving the stage keeps it.")
        else:
            note = _(
                "Now %(value)s %%, the stage default: moving the stage applies the new "
                "stage's default unless you change it here."
            )
        self.fields["probability"].help_text = note % {"value": opportunity.probability}

    def initial_values(self) -> dict:
        opportunity = self.opportunity
        soon = timezone.now() + timedelta(hours=12)
        due = [a for a in self.pending if a.scheduled_at is not None and a.scheduled_at <= soon]
        performed = due[0] if due else None
        suggested = planned_at(
            timezone.localdate() + timedelta(days=self.days_for(opportunity.stage))
        )
        return {
            "performed": performed.pk if performed is not None else None,
            # "As planned" (empty) when a planned activity is proposed as the one performed.
            "done_type": "" if performed is not None else ActivityType.CALL,
            "done_contact": None if performed is not None else opportunity.contact_id,
            "done_at": now_to_the_minute(),
            "probability": opportunity.probability,
            "next_type": ActivityType.CALL,
            "next_at": suggested,
            "suggested_at": _format_local(suggested),
        }

    def days_for(self, stage: str) -> int:
        return self.follow_up_days.get(stage) or DEFAULT_FOLLOW_UP_DAYS

    @property
    def next_stage(self) -> str:
        """The stage the opportunity will be in after saving (for the suggested frequency)."""
        value = self.data.get("to_stage") if self.is_bound else ""
        return value if value in OPEN_STAGES else self.opportunity.stage

    def suggestion_text(self) -> str:
        return _("Suggested: every %(days)s days in this stage (%(stage)s).") % {
            "days": self.days_for(self.next_stage),
            "stage": Stage(self.next_stage).label,
        }

    @classmethod
    def with_suggestion_for_stage(
        cls, data: QueryDict, *, opportunity: Opportunity, follow_up_days: dict[str, int]
    ) -> Self:
        """The form after the stage select changed (htmx): the date of the next activity
        follows the new stage's frequency, unless the user had typed a date of their own."""
        data = data.copy()
        form = cls(data, opportunity=opportunity, follow_up_days=follow_up_days, draft=True)
        suggested = planned_at(
            timezone.localdate() + timedelta(days=form.days_for(form.next_stage))
        )
        follows = data.get("next_at", "") in ("", data.get("suggested_at", ""))
        if follows:
            data["next_at"] = _format_local(suggested)
        data["suggested_at"] = _format_local(suggested)
        form = cls(data, opportunity=opportunity, follow_up_days=follow_up_days, draft=True)
        form.date_follows_suggestion = follows
        return form

    def rebased(self, *, data: QueryDict, current: Opportunity) -> Self:
        data = data.copy()
        data["version"] = str(current.version)
        return type(self)(data, opportunity=current, follow_up_days=self.follow_up_days, draft=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        performed = cleaned.get("performed")
        if not cleaned.get("done_type") and "done_type" not in self.errors:
            if performed is not None:
                cleaned["done_type"] = performed.type
            elif "performed" not in self.errors:
                self.add_error("done_type", _("Choose the activity you did."))
        if cleaned.get("done_type") not in CONTACT_ATTEMPT_TYPES:
            cleaned["done_answered"] = None
        elif cleaned.get("done_answered") is None and "done_answered" not in self.errors:
            self.add_error("done_answered", _("Say whether the client answered."))
        return cleaned

    def clean_done_at(self) -> datetime | None:
        done_at = self.cleaned_data["done_at"]
        if done_at > timezone.now():
            raise ValidationError(_("A done activity cannot be in the future."))
        return done_at

    def clean_probability(self) -> int:
        probability = self.cleaned_data["probability"]
        if probability is None:
            return self.opportunity.probability
        if not 0 <= probability <= 100:
            # Not min_value/max_value: their messages are %-formatted, and this one has a "%".
            raise ValidationError(PROBABILITY_RANGE)
        return probability

    def done_activity(self) -> ActivityInput:
        data = self.cleaned_data
        # An empty subject stays empty: the service names a new activity after its type and
        # keeps a performed planned activity's own subject.
        return ActivityInput(
            type=ActivityType(data["done_type"]),
            subject=data["done_subject"].strip(),
            done_at=data["done_at"],
            notes=data["notes"],
            contact=data["done_contact"],
            answered=data.get("done_answered"),
        )

    def service_kwargs(self) -> dict:
        """The arguments of crm.opportunities.services.opportunity_log_follow_up."""
        data = self.cleaned_data
        performed = data.get("performed")
        return {
            "expected_version": data["version"],
            "done": self.done_activity(),
            "performed_id": performed.pk if performed else None,
            "probability": data["probability"],
            "to_stage": data["to_stage"] or None,
            "next_activity": self.planned_activity(contact=data["done_contact"]),
        }


# "Cerrar Venta" and "Gestionar Oportunidad Perdida" ------------------------------------------


class ActivityIdsField(forms.TypedMultipleChoiceField):
    """Ids of the planned activities ticked to cancel. An id that is no longer planned (done
    or cancelled meanwhile by someone else) is not an error: the service leaves it alone."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, required=False, **kwargs)

    def valid_value(self, value: object) -> bool:
        return str(value).isdigit()


class CloseForm(FlowForm):
    """What winning and losing share: the opportunity's planned activities, each cancelled
    with the move or kept (default: pre-sale follow-ups cancelled, post-sale ones kept)."""

    cancel_activities = ActivityIdsField()

    def __init__(
        self, data: QueryDict | None = None, *, opportunity: Opportunity, draft: bool = False
    ) -> None:
        self.planned_on_close = planned_activities_on_close(opportunity=opportunity)
        super().__init__(data, opportunity=opportunity, draft=draft)

    @property
    def cancel_chosen(self) -> set[int]:
        """The ids shown ticked: as posted, or the defaults on a new form."""
        if not self.is_bound:
            return {a.pk for a in self.planned_on_close if a.cancel_by_default}
        values = self.data.getlist("cancel_activities") if hasattr(self.data, "getlist") else []
        return {pk for pk in map(int_or_none, values) if pk is not None}

    def activities_to_cancel(self) -> list[int]:
        return self.cleaned_data["cancel_activities"]


class WinForm(CloseForm):
    """Seed steps 4 to 10 of "Cerrar Venta": the sale's figures and terms, the notes, who is
    told and the post-sale follow-up, saved as one move to Ganada."""

    default_subject = _("Post-sale follow-up")

    actual_value = AmountField(
        label=_("Actual sale value"),
        error_messages={
            "required": _("Enter the actual value of the sale."),
            "min_value": _("The actual value cannot be negative."),
        },
    )
    actual_value_currency = CurrencyField(label=_("Currency"))
    closed_on = LocalDateField(
        label=_("Close date"),
        error_messages={
            "required": _("Enter the close date."),
        },
    )
    agreed_terms = forms.CharField(
        label=_("Agreed terms"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Describe the agreed terms.")},
    )
    contract_terms = forms.CharField(
        label=_("Contract terms"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    special_conditions = forms.CharField(
        label=_("Special conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_steps = forms.CharField(
        label=_("Next steps"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    requires_contract = forms.BooleanField(
        label=_("Legal (if a contract is required)"), required=False, initial=True
    )

    def __init__(
        self, data: QueryDict | None = None, *, opportunity: Opportunity, draft: bool = False
    ) -> None:
        super().__init__(data, opportunity=opportunity, draft=draft)
        self.fields["schedule"].label = _("Schedule a post-sale follow-up activity")
        self.choice_field("next_type").choices = _type_choices(POST_SALE_TYPES)

    def initial_values(self) -> dict:
        today = timezone.localdate()
        # An accepted quote's total is the sale's value (quote life: Aceptada → Cerrar Venta).
        accepted = self.opportunity.quotes.accepted().first()
        source, field = (
            (accepted, "total_amount") if accepted else (self.opportunity, "estimated_value")
        )
        return {
            # As typed there, in its currency (crm.money).
            "actual_value": original_amount(source, field),
            "actual_value_currency": original_currency(source, field),
            "closed_on": today,
            "next_type": ActivityType.SATISFACTION_CALL,
            "next_at": planned_at(months_later(today, POST_SALE_MONTHS)),
        }

    def clean_closed_on(self) -> date:
        closed_on = self.cleaned_data["closed_on"]
        if closed_on > timezone.localdate():
            raise ValidationError(_("The close date cannot be in the future."))
        return closed_on

    def won_details(self) -> WonDetails:
        data = self.cleaned_data
        return WonDetails(
            actual_value=data["actual_value"],
            actual_value_currency=data["actual_value_currency"],
            closed_on=data["closed_on"],
            agreed_terms=data["agreed_terms"],
            contract_terms=data["contract_terms"],
            special_conditions=data["special_conditions"],
            next_steps=data["next_steps"],
            requires_contract=data["requires_contract"],
        )


class LoseForm(CloseForm):
    """Seed steps 4 to 8 of "Gestionar Oportunidad Perdida": why it was lost, to whom, the
    lessons learned and a future follow-up with the client, saved as one move to Perdida."""

    service_fields = {"scheduled_at": "next_at"}
    default_subject = _("Keep in touch / identify future opportunities")

    loss_reason = forms.ChoiceField(
        label=_("Loss reason"),
        choices=LossReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the reason the opportunity was lost.")},
    )
    competitor_name = forms.CharField(
        label=_("Competitor that won"),
        max_length=150,
        required=False,
        help_text=_(
            "Required when the reason is Competition. Pick one from the list or type a new name."
        ),
        widget=forms.TextInput(attrs={"list": "competitor-names", "autocomplete": "off"}),
    )
    loss_notes = forms.CharField(
        label=_("Additional notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lessons_learned = forms.CharField(
        label=_("Lessons learned"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, data: QueryDict | None = None, *, opportunity: Opportunity, draft: bool = False
    ) -> None:
        super().__init__(data, opportunity=opportunity, draft=draft)
        self.fields["schedule"].label = _("Schedule a future follow-up")
        self.choice_field("next_type").choices = _type_choices(FUTURE_TYPES)

    def initial_values(self) -> dict:
        later = months_later(timezone.localdate(), FUTURE_FOLLOW_UP_MONTHS)
        return {"next_type": ActivityType.CALL, "next_at": planned_at(later)}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        name = cleaned.get("competitor_name", "").strip()
        cleaned["competitor_name"] = name
        if cleaned.get("loss_reason") == LossReason.COMPETITION and not name:
            self.add_error(
                "competitor_name", _("Say which competitor won when the reason is Competition.")
            )
        return cleaned

    def lost_details(self) -> LostDetails:
        data = self.cleaned_data
        return LostDetails(
            loss_reason=data["loss_reason"],
            competitor_name=data["competitor_name"],
            loss_notes=data["loss_notes"],
            lessons_learned=data["lessons_learned"],
        )
