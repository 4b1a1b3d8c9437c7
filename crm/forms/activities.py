"""The forms of CRM → Actividades: what happened in an activity (by type: whether the client
answered a call or message, the meeting minutes, the post-sale results), marking a planned
activity done, a new activity, rescheduling, cancelling, the week view and the two post-sale
steps ("Crear reclamo", "Crear oportunidad").

The forms check what they can so that every mistake shows at once, in Spanish; the services
check again and stay the authority (their ValidationError dicts land on the fields).
"""

import datetime as dt
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import User
from accounts.roles import is_manager
from config.forms import (
    AmountField,
    BootstrapFormMixin,
    LocalDateField,
    LocalDateTimeField,
    validate_business_date,
)
from crm.filters.activities import executive_choices
from crm.forms.base import ServiceErrorsMixin, VersionField, form_field, int_or_none
from crm.forms.clients import DraftMixin
from crm.forms.pickers import PickerChoiceField
from crm.models import (
    CONTACT_ATTEMPT_TYPES,
    SATISFACTION_TYPES,
    Activity,
    ActivityType,
    Client,
    ComplaintArea,
    ComplaintPriority,
    Contact,
    Opportunity,
)
from crm.opportunities.forms.flows import AnsweredField, now_to_the_minute, planned_at
from crm.opportunities.selectors.visibility import opportunities_editable_by
from crm.selectors.clients import clients_visible_to, contacts_of, user_can_edit_client
from crm.services.activities import ActivityInput, ActivityResult

# Types a user creates by hand ("Venta cerrada" is written by "Cerrar Venta").
CREATABLE_TYPES = tuple(kind for kind in ActivityType if kind != ActivityType.SALE_CLOSED)
# Types whose result is a meeting's minutes (the FAQ "¿Qué información debo registrar después
# de cada reunión?").
MEETING_TYPES = (ActivityType.MEETING, ActivityType.REVIEW_MEETING)
NEXT_FOLLOW_UP_TYPES = (
    ActivityType.CALL,
    ActivityType.MEETING,
    ActivityType.EMAIL,
    ActivityType.WHATSAPP,
    ActivityType.QUOTE_SENT,
    ActivityType.SATISFACTION_CALL,
    ActivityType.REVIEW_MEETING,
    ActivityType.SATISFACTION_SURVEY,
    ActivityType.TASK,
)
SATISFACTION_CHOICES = [
    ("", "—"),
    (1, _("1 – Very dissatisfied")),
    (2, _("2 – Dissatisfied")),
    (3, _("3 – Neither satisfied nor dissatisfied")),
    (4, _("4 – Satisfied")),
    (5, _("5 – Very satisfied")),
]
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"  # what a datetime-local input sends
SATISFACTION_RANGE = _("The satisfaction level goes from 1 to 5.")
MINUTES_FIELDS = ("participants", "topics", "agreements", "next_steps")
POST_SALE_FIELDS = ("satisfaction_level", "client_comments", "problems", "upselling")
# A service's error key -> the form field it belongs to.
SERVICE_FIELDS = {"next_scheduled_at": "next_follow_up_at", "scheduled_at": "scheduled_at"}


def _choices(types: Iterable[ActivityType]) -> list[tuple[str, StrOrPromise]]:
    return [(kind.value, kind.label) for kind in types]


def _auto_id(activity: Activity) -> str:
    """Field ids of one activity's inline form: several may be open in the same page."""
    return f"id_activity{activity.pk}_%s"


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ResultForm(ServiceErrorsMixin, DraftMixin, BootstrapFormMixin, forms.Form):
    """What happened, with the fields of the activity's type only: "¿El cliente respondió?"
    for calls, emails and WhatsApp; the minutes for meetings; the post-sale results for the
    satisfaction activities; and, for any, the date of the next follow-up, which schedules
    the next activity."""

    service_fields = SERVICE_FIELDS

    required_css_class = "required"
    swaps_type_fields = False

    done_at = LocalDateTimeField(
        label=_("Date and time it was done"),
        error_messages={
            "required": _("Enter when the activity was done."),
        },
    )
    answered = AnsweredField()
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=200,
        required=False,
        help_text=_("One line, for example “Asked for the quote”."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=_textarea(4))
    participants = forms.CharField(label=_("Participants"), required=False, widget=_textarea(2))
    topics = forms.CharField(label=_("Topics discussed"), required=False, widget=_textarea())
    agreements = forms.CharField(label=_("Agreements reached"), required=False, widget=_textarea())
    next_steps = forms.CharField(label=_("Next steps"), required=False, widget=_textarea())
    satisfaction_level = forms.TypedChoiceField(
        label=_("Satisfaction level"),
        choices=SATISFACTION_CHOICES,
        coerce=int,
        empty_value=None,
        error_messages={
            "required": _("Choose the satisfaction level (1 to 5)."),
            "invalid_choice": SATISFACTION_RANGE,
        },
    )
    client_comments = forms.CharField(
        label=_("Client comments"), required=False, widget=_textarea()
    )
    problems = forms.CharField(
        label=_("Problems identified"),
        required=False,
        widget=_textarea(),
        help_text=_("If there are problems, you can then create a complaint in one click."),
    )
    upselling = forms.CharField(
        label=_("Upselling opportunities"),
        required=False,
        widget=_textarea(),
        help_text=_("If there are any, you can then create the opportunity and the meeting."),
    )
    next_follow_up_at = LocalDateTimeField(
        label=_("Next follow-up date"),
        required=False,
        help_text=_("Optional: schedules the next activity with this client."),
    )
    next_follow_up_type = forms.ChoiceField(
        label=_("Type of the next follow-up"),
        choices=_choices(NEXT_FOLLOW_UP_TYPES),
        required=False,
    )

    def __init__(
        self, data: QueryDict | None = None, *, kind: str, draft: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.kind = kind
        self.draft = draft
        if kind not in CONTACT_ATTEMPT_TYPES:
            del self.fields["answered"]
        else:
            self.fields["answered"].widget.attrs["class"] = "form-check-input"
        if kind not in MEETING_TYPES:
            for name in MINUTES_FIELDS:
                del self.fields[name]
        if kind not in SATISFACTION_TYPES:
            for name in POST_SALE_FIELDS:
                del self.fields[name]

    # Groups of fields, for the template.
    def minutes_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in MINUTES_FIELDS if name in self.fields]

    def post_sale_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in POST_SALE_FIELDS if name in self.fields]

    @property
    def has_minutes(self) -> bool:
        return "participants" in self.fields

    @property
    def has_post_sale(self) -> bool:
        return "satisfaction_level" in self.fields

    @property
    def asks_answered(self) -> bool:
        return "answered" in self.fields

    def clean_done_at(self) -> datetime | None:
        done_at = self.cleaned_data.get("done_at")
        if done_at is not None and done_at > timezone.now():
            raise ValidationError(_("A done activity cannot be in the future."))
        return done_at

    def clean_next_follow_up_at(self) -> datetime | None:
        when = self.cleaned_data.get("next_follow_up_at")
        if when is not None and when <= timezone.now():
            raise ValidationError(_("The next follow-up must be in the future."))
        return when

    def result(self) -> ActivityResult:
        """The services' input: what was typed, for the fields of this type only."""
        data = self.cleaned_data
        return ActivityResult(
            done_at=data.get("done_at"),
            notes=data.get("notes", ""),
            outcome=data.get("outcome", ""),
            answered=data.get("answered"),
            participants=data.get("participants", ""),
            topics=data.get("topics", ""),
            agreements=data.get("agreements", ""),
            next_steps=data.get("next_steps", ""),
            satisfaction_level=data.get("satisfaction_level"),
            client_comments=data.get("client_comments", ""),
            problems=data.get("problems", ""),
            upselling=data.get("upselling", ""),
        )

    def next_activity(self, *, subject: str, contact: Contact | None) -> ActivityInput | None:
        """The follow-up to schedule, or None without a "Fecha de próximo seguimiento"."""
        when = self.cleaned_data.get("next_follow_up_at")
        if when is None:
            return None
        kind = ActivityType(self.cleaned_data.get("next_follow_up_type") or ActivityType.CALL)
        text = _("Follow-up: %(subject)s") % {"subject": subject}
        return ActivityInput(type=kind, subject=text[:200], scheduled_at=when, contact=contact)


class CompleteForm(ResultForm):
    """ "Marcar como realizada": the result of a planned activity, based on its version."""

    version = VersionField()

    def __init__(
        self, data: QueryDict | None = None, *, activity: Activity, draft: bool = False
    ) -> None:
        self.activity = activity
        initial = {
            "version": activity.version,
            "done_at": now_to_the_minute(),
            "next_follow_up_type": ActivityType.CALL,
        }
        super().__init__(
            data, kind=activity.type, draft=draft, initial=initial, auto_id=_auto_id(activity)
        )

    def rebased(self, *, data: QueryDict, current: Activity) -> "CompleteForm":
        """After someone else saved the activity: what was typed, on the current version."""
        data = data.copy()
        data["version"] = str(current.version)
        return CompleteForm(data, activity=current)


def _with_defaults(data: QueryDict, initial: dict[str, Any]) -> QueryDict:
    """A draft's data plus the initial values of the fields it did not send (those the form
    did not show yet, such as the date of "Ya realizada" when switching to it)."""
    data = data.copy()
    for name, value in initial.items():
        if name not in data and value is not None:
            data[name] = (
                timezone.localtime(value).strftime(DATETIME_FORMAT)
                if isinstance(value, dt.datetime)
                else value
            )
    return data


class ActivityForm(ResultForm):
    """ "Nueva actividad": type, client (required), opportunity and contact of that client,
    subject, and either the planned date and time or "Ya realizada" with its date and
    result. The type and client chosen decide the other fields' options (a *draft* form,
    sent by htmx or by the no-JavaScript "Actualizar" button, shows them)."""

    PLANNED, DONE = "planned", "done"
    # The template gives the type's own fields the id htmx swaps on a type change.
    swaps_type_fields = True

    type = forms.ChoiceField(
        label=_("Activity type"),
        choices=_choices(CREATABLE_TYPES),
        error_messages={
            "required": _("Choose the type of the activity."),
            "invalid_choice": _("Choose one of the listed types."),
        },
    )
    client = PickerChoiceField(
        kind="client",
        label=_("Client"),
        queryset=Client.objects.none(),
        empty_label=_("Choose a client"),
        error_messages={
            "required": _("Choose the client: every activity belongs to a client."),
            "invalid_choice": _("Choose one of the clients you can see."),
        },
    )
    opportunity = forms.ModelChoiceField(
        label=_("Opportunity"),
        queryset=Opportunity.objects.none(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("Choose an opportunity of the selected client.")},
    )
    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.none(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("Choose a contact of the selected client.")},
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        required=False,
        help_text=_("Empty: the type of activity is used."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(PLANNED, _("Planned for a date and time")), (DONE, _("Already done"))],
        widget=forms.RadioSelect,
        initial=PLANNED,
    )
    scheduled_at = LocalDateTimeField(
        label=_("Planned date and time"),
        required=False,
    )

    field_order = ["type", "client", "opportunity", "contact", "subject", "status", "scheduled_at"]

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        user: User,
        initial: dict | None = None,
        draft: bool = False,
    ) -> None:
        initial = {
            "status": self.PLANNED,
            "scheduled_at": planned_at(timezone.localdate() + timedelta(days=1)),
            "done_at": now_to_the_minute(),
            "next_follow_up_type": ActivityType.CALL,
            **(initial or {}),
        }
        if data is not None and draft:
            data = _with_defaults(data, initial)
        source = data if data is not None else initial
        kind = source.get("type") or ActivityType.CALL
        super().__init__(data, kind=kind, draft=draft, initial=initial)
        self.user = user
        self.fields["status"].widget.attrs["class"] = "form-check-input"
        clients = clients_visible_to(user=user).order_by("name", "pk")
        form_field(self, "client", forms.ModelChoiceField).queryset = clients
        client_id = int_or_none(source.get("client"))
        self.chosen_client = clients.filter(pk=client_id).first() if client_id else None
        if self.chosen_client is not None:
            # An activity follows its parent: only opportunities the user may change.
            opportunity = form_field(self, "opportunity", forms.ModelChoiceField)
            opportunity.queryset = opportunities_editable_by(user=user).filter(
                client=self.chosen_client
            )
            contact = form_field(self, "contact", forms.ModelChoiceField)
            contact.queryset = contacts_of(client=self.chosen_client)
        self.is_done = source.get("status") == self.DONE
        if not self.is_done:
            for name in ResultForm.base_fields:
                if name in self.fields:
                    self.fields[name].required = False

    @classmethod
    def prefilled(cls, *, user: User, params: QueryDict) -> "ActivityForm":
        """The empty form for ?client=<pk>, ?opportunity=<pk> (which implies its client and
        contact) and ?type=<type>; values the user may not see are ignored."""
        initial: dict = {}
        opportunity_id = int_or_none(params.get("opportunity"))
        opportunity = (
            opportunities_editable_by(user=user)
            .filter(pk=opportunity_id)
            .select_related("client")
            .first()
            if opportunity_id is not None
            else None
        )
        if opportunity is not None:
            initial.update(
                client=opportunity.client_id,
                opportunity=opportunity.pk,
                contact=opportunity.contact_id,
            )
        else:
            client_id = int_or_none(params.get("client"))
            if client_id is not None:
                client = clients_visible_to(user=user).filter(pk=client_id)
                client_id = client.values_list("pk", flat=True).first()
            if client_id is not None:
                initial["client"] = client_id
        if params.get("type") in {kind.value for kind in CREATABLE_TYPES}:
            initial["type"] = params["type"]
        return cls(user=user, initial=initial)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        client = cleaned.get("client")
        editable = client is None or user_can_edit_client(user=self.user, client=client)
        if not editable and not cleaned.get("opportunity"):
            self.add_error(
                "client",
                _("You may only view this client: choose one of your opportunities with it."),
            )
        if self.is_done:
            cleaned["scheduled_at"] = None
            if cleaned.get("next_follow_up_at") is None:
                cleaned["next_follow_up_type"] = ""
        else:
            when = cleaned.get("scheduled_at")
            if when is None and "scheduled_at" not in self.errors:
                self.add_error("scheduled_at", _("Enter the date and time of the activity."))
            elif when is not None and when <= timezone.now():
                self.add_error("scheduled_at", _("Choose a date and time in the future."))
        return cleaned

    def activity_input(self) -> ActivityInput:
        data = self.cleaned_data
        kind = ActivityType(data["type"])
        return ActivityInput(
            type=kind,
            subject=data["subject"].strip() or str(kind.label),
            scheduled_at=None if self.is_done else data["scheduled_at"],
            done_at=data["done_at"] if self.is_done else None,
            notes=data["notes"] if self.is_done else "",
            contact=data["contact"],
        )

    def activity_result(self) -> ActivityResult | None:
        return self.result() if self.is_done else None

    def follow_up(self) -> ActivityInput | None:
        if not self.is_done:
            return None
        return self.next_activity(
            subject=self.activity_input().subject, contact=self.cleaned_data["contact"]
        )


class RescheduleForm(ServiceErrorsMixin, BootstrapFormMixin, forms.Form):
    service_fields = SERVICE_FIELDS
    required_css_class = "required"

    version = VersionField()
    scheduled_at = LocalDateTimeField(
        label=_("New date and time"),
        error_messages={
            "required": _("Enter the new date and time."),
        },
    )

    def __init__(self, data: QueryDict | None = None, *, activity: Activity) -> None:
        self.activity = activity
        suggested = activity.scheduled_at
        if suggested is None or suggested <= timezone.now():
            suggested = planned_at(timezone.localdate() + timedelta(days=1))
        initial = {"version": activity.version, "scheduled_at": timezone.localtime(suggested)}
        super().__init__(data, initial=initial, auto_id=_auto_id(activity))

    def clean_scheduled_at(self) -> datetime:
        when = self.cleaned_data["scheduled_at"]
        if when <= timezone.now():
            raise ValidationError(_("Choose a date and time in the future."))
        return when

    def rebased(self, *, data: QueryDict, current: Activity) -> "RescheduleForm":
        data = data.copy()
        data["version"] = str(current.version)
        return RescheduleForm(data, activity=current)


class CancelForm(forms.Form):
    version = VersionField()


class WeekForm(BootstrapFormMixin, forms.Form):
    """The week view's choices: which week (?week=2026-W11 or ?date=2026-03-11) and, for a
    manager, whose activities."""

    week = forms.CharField(
        label=_("Week"),
        required=False,
        widget=forms.TextInput(attrs={"type": "week"}),
    )
    date = LocalDateField(label=_("Date"), required=False)
    executive = forms.ChoiceField(label=_("Executive"), required=False)

    WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{1,2})$")

    def __init__(self, data: QueryDict | None = None, *, user: User) -> None:
        super().__init__(data)
        self.user = user
        if is_manager(user):
            executive = form_field(self, "executive", forms.ChoiceField)
            executive.choices = [("", _("My activities")), *executive_choices(user)]
        else:
            del self.fields["executive"]

    def clean_week(self) -> dt.date | None:
        value = self.cleaned_data["week"].strip()
        if not value:
            return None
        match = self.WEEK_PATTERN.match(value)
        try:
            if match is None:
                raise ValueError
            monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise ValidationError(_("Enter a week such as 2026-W11.")) from None
        validate_business_date(monday)
        return monday

    def monday(self) -> dt.date:
        """The Monday of the chosen week (this week when nothing valid was chosen)."""
        data = self.cleaned_data if self.is_valid() else {}
        day = data.get("week") or data.get("date") or timezone.localdate()
        return day - timedelta(days=day.weekday())

    def chosen_executive(self) -> str:
        return self.cleaned_data.get("executive", "") if self.is_valid() else ""


def week_param(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


# Post-sale ("Realizar Seguimiento Post-Venta", steps 8 and 9) ----------------------------------


def _priority_for(level: int | None) -> str:
    """A very dissatisfied client's problem comes first."""
    if level is not None and level <= 2:
        return ComplaintPriority.HIGH
    return ComplaintPriority.MEDIUM


class ComplaintFromActivityForm(BootstrapFormMixin, forms.Form):
    """ "Si hay problemas: crear ticket de soporte y notificar a área correspondiente"."""

    required_css_class = "required"

    area = forms.ChoiceField(
        label=_("Responsible area"),
        choices=ComplaintArea.choices,
        error_messages={"required": _("Choose the area that must solve it.")},
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=ComplaintPriority.choices)

    def __init__(self, data: QueryDict | None = None, *, activity: Activity) -> None:
        self.activity = activity
        initial = {
            "area": ComplaintArea.OPERATIONS,
            "priority": _priority_for(activity.satisfaction_level),
        }
        super().__init__(data, initial=initial)


def _first_line(text: str, limit: int = 200) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line[:limit]


class UpsellForm(ServiceErrorsMixin, BootstrapFormMixin, forms.Form):
    """ "Si hay oportunidades: crear nueva oportunidad y programar reunión"."""

    required_css_class = "required"
    service_fields = {"scheduled_at": "meeting_at"}

    name = forms.CharField(
        label=_("Opportunity name"),
        max_length=200,
        error_messages={"required": _("Enter the name of the opportunity.")},
    )
    estimated_value = AmountField(
        label=_("Estimated value"),
        error_messages={
            "required": _("Enter the estimated value."),
            "min_value": _("The estimated value cannot be negative."),
        },
    )
    expected_close_date = LocalDateField(
        label=_("Expected close date"),
        error_messages={
            "required": _("Enter the expected close date."),
        },
    )
    meeting_at = LocalDateTimeField(
        label=_("Schedule meeting"),
        help_text=_("Date and time of the meeting with the client."),
        error_messages={
            "required": _("Enter the date and time of the meeting."),
        },
    )

    def __init__(self, data: QueryDict | None = None, *, activity: Activity) -> None:
        self.activity = activity
        today = timezone.localdate()
        initial = {
            "name": _first_line(activity.upselling),
            "expected_close_date": today + timedelta(days=60),
            "meeting_at": planned_at(today + timedelta(days=2)),
        }
        super().__init__(data, initial=initial)

    def clean_expected_close_date(self) -> date:
        value = self.cleaned_data["expected_close_date"]
        if value < timezone.localdate():
            raise ValidationError(_("The expected close date cannot be in the past."))
        return value

    def clean_meeting_at(self) -> datetime:
        when = self.cleaned_data["meeting_at"]
        if when <= timezone.now():
            raise ValidationError(_("The meeting must be in the future."))
        return when

    def opportunity_data(self) -> dict:
        activity = self.activity
        return {
            "name": self.cleaned_data["name"],
            "client": activity.client,
            "contact": activity.contact,
            "estimated_value": self.cleaned_data["estimated_value"],
            "expected_close_date": self.cleaned_data["expected_close_date"],
            "customer_needs": activity.upselling,
            "owner": activity.owner,
        }

    def meeting(self) -> ActivityInput:
        subject = _("Meeting: %(name)s") % {"name": self.cleaned_data["name"]}
        return ActivityInput(
            type=ActivityType.MEETING,
            subject=subject[:200],
            scheduled_at=self.cleaned_data["meeting_at"],
            contact=self.activity.contact,
        )
