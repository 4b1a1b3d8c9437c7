"""The opportunity form ("Crear Oportunidad de Negocio", steps 3 to 8) and the page's query.

The form checks what it can so that every mistake is shown at once, in Spanish; the services
check again and stay the authority (their ValidationError dicts are mapped onto the fields).
"""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import BoundField
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import CompanySettings, User
from accounts.selectors import assignable_executives
from config.forms import AmountField, BootstrapFormMixin, LocalDateField, LocalDateTimeField
from crm.forms.base import (
    BoundedModelMultipleChoiceField,
    CurrencyField,
    QueryForm,
    ServiceErrorsMixin,
    VersionField,
    field_label,
    form_field,
    int_or_none,
    query_count,
    query_id,
)
from crm.forms.pickers import PickerChoiceField
from crm.models import (
    BANT_QUESTIONS,
    OPEN_STAGES,
    ActivityType,
    Client,
    Contact,
    Opportunity,
    ProductService,
    Stage,
    StageSetting,
)
from crm.money import original_amount, original_currency
from crm.opportunities.selectors.page import contacts_for_form
from crm.opportunities.services import OPPORTUNITY_FIELDS, default_probability
from crm.ownership import may_reassign
from crm.selectors.clients import clients_visible_to
from crm.services import ActivityInput
from crm.stage_rules import BANT_MISSING, RULE_TO_ENTER, bant_required

NEXT_ACTIVITY_TYPES = (
    ActivityType.CALL,
    ActivityType.MEETING,
    ActivityType.EMAIL,
    ActivityType.WHATSAPP,
    ActivityType.QUOTE_SENT,
    ActivityType.TASK,
)
# Where a service names a field differently from the form.
SERVICE_FIELDS = {
    "scheduled_at": "activity_at",
    "done_at": "activity_at",
    "type": "activity_type",
    "subject": "activity_subject",
    "to_stage": "stage",
}
PROBABILITY_RANGE = _("The probability goes from 0 to 100 %.")
NO_CONTACT = _("No contact")


def _label(name: str) -> StrOrPromise:
    return field_label(Opportunity, name)


class BantSelect(forms.NullBooleanSelect):
    """Yes / No / not answered yet (None), for the BANT questions."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", _("Not answered")), ("true", _("Yes")), ("false", _("No"))]


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Contact) -> str:
        return contact_label(obj)


def contact_label(contact: Contact) -> str:
    """How a contact reads in the select (the htmx options use it too)."""
    return f"{contact.name} ({contact.position})" if contact.position else contact.name


class OpportunityForm(ServiceErrorsMixin, BootstrapFormMixin, forms.Form):
    """Every field of the seed's use case, in its order, for create and edit.

    A *draft* form (no-JavaScript "Actualizar contactos") shows what was typed and no errors.
    """

    service_fields = SERVICE_FIELDS

    required_css_class = "required"
    INFORMATION = (
        "name",
        "client",
        "contact",
        "estimated_value",
        "expected_close_date",
        "probability",
    )
    NEXT_ACTIVITY = ("activity_type", "activity_at", "activity_subject")

    version = VersionField()
    name = forms.CharField(label=_label("name"), max_length=200)
    client = PickerChoiceField(
        kind="client",
        label=_label("client"),
        queryset=Client.objects.none(),
        empty_label=_("Choose a client"),
        error_messages={"invalid_choice": _("Choose one of the clients you can see.")},
    )
    contact = ContactChoiceField(
        label=_("Primary contact"),
        queryset=Contact.objects.none(),
        required=False,
        empty_label=NO_CONTACT,
        error_messages={"invalid_choice": _("Choose a contact of the selected client.")},
    )
    estimated_value = AmountField(
        label=_label("estimated_value"),
        error_messages={"min_value": _("The estimated value cannot be negative.")},
    )
    # Labelled "Moneda" alone: "Valor estimado" must name only the amount field.
    estimated_value_currency = CurrencyField(label=_("Currency"))
    expected_close_date = LocalDateField(label=_label("expected_close_date"))
    probability = forms.IntegerField(
        label=_label("probability"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )
    stage = forms.ChoiceField(
        label=_label("stage"), choices=[(stage.value, stage.label) for stage in OPEN_STAGES]
    )
    bant_budget = forms.NullBooleanField(
        label=_label("bant_budget"), widget=BantSelect, required=False
    )
    bant_budget_note = forms.CharField(
        label=_label("bant_budget_note"), max_length=300, required=False
    )
    bant_authority = forms.NullBooleanField(
        label=_label("bant_authority"), widget=BantSelect, required=False
    )
    bant_authority_note = forms.CharField(
        label=_label("bant_authority_note"), max_length=300, required=False
    )
    bant_need = forms.NullBooleanField(label=_label("bant_need"), widget=BantSelect, required=False)
    bant_need_note = forms.CharField(label=_label("bant_need_note"), max_length=300, required=False)
    bant_timeline = forms.NullBooleanField(
        label=_label("bant_timeline"), widget=BantSelect, required=False
    )
    bant_timeline_note = forms.CharField(
        label=_label("bant_timeline_note"), max_length=300, required=False
    )
    products = BoundedModelMultipleChoiceField(
        label=_label("products"),
        queryset=ProductService.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    customer_needs = forms.CharField(
        label=_label("customer_needs"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    competition = forms.CharField(
        label=_label("competition"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision_factors = forms.CharField(
        label=_label("decision_factors"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ModelChoiceField(
        label=_label("owner"),
        queryset=User.objects.none(),
        empty_label=_("Choose the owner"),
        error_messages={
            "invalid_choice": _(
                "Choose an executive with a commercial role (Ejecutivo or Gerente Comercial)."
            )
        },
    )
    activity_type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Choose a type"))]
        + [(kind.value, kind.label) for kind in NEXT_ACTIVITY_TYPES],
    )
    activity_at = LocalDateTimeField(label=_("Date and time"), required=False)
    activity_subject = forms.CharField(label=_("Subject"), max_length=200, required=False)

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        user: User,
        instance: Opportunity | None = None,
        initial_client: Client | None = None,
        draft: bool = False,
    ) -> None:
        self.user = user
        self.instance = instance
        self.creating = instance is None
        self.draft = draft
        super().__init__(data, initial=self._initial(initial_client))
        self.currency = CompanySettings.load().currency
        self._scope_choices()
        if self.instance is None:
            del self.fields["version"]
            # A hint for the date pickers; clean_* is what refuses past dates.
            self.fields["expected_close_date"].widget.attrs["min"] = (
                timezone.localdate().isoformat()
            )
        else:
            if not self.instance.is_open:
                # Closed: stage and probability change only through the won/lost flows.
                del self.fields["stage"], self.fields["probability"]
            if not may_reassign(user):
                # Ignored when posted: only managers reassign (the service refuses it too).
                self.fields["owner"].disabled = True
                self.fields["owner"].help_text = _("Only a sales manager can reassign it.")
        if "probability" in self.fields:
            self.fields["probability"].help_text = _("Leave it empty to use the stage's default:")

    # Set-up ---------------------------------------------------------------------------------

    def _initial(self, initial_client: Client | None) -> dict:
        if self.instance is None:
            primary = None
            if initial_client is not None:
                contacts = contacts_for_form(user=self.user, client_id=initial_client.pk)
                primary = contacts.filter(is_primary=True).first()
            return {
                "owner": self.user.pk,
                "stage": Stage.PROSPECTING,
                "client": initial_client.pk if initial_client else None,
                "contact": primary.pk if primary else None,
            }
        opportunity = self.instance
        initial = {name: getattr(opportunity, name) for name in OPPORTUNITY_FIELDS}
        initial.update(
            # The amount as it was typed, in its currency (the column itself is USD).
            estimated_value=original_amount(opportunity, "estimated_value"),
            estimated_value_currency=original_currency(opportunity, "estimated_value"),
            version=opportunity.version,
            client=opportunity.client_id,
            contact=opportunity.contact_id,
            owner=opportunity.owner_id,
            stage=opportunity.stage,
            # Empty means "the stage's default": only a probability set by hand is shown.
            probability=opportunity.probability if opportunity.probability_overridden else None,
            products=[product.pk for product in opportunity.products.all()],
        )
        return initial

    def _scope_choices(self) -> None:
        """Every select offers only what the user may choose (plus the saved value on edit,
        so that an inactive product or a former executive does not vanish silently)."""
        instance = self.instance
        client_field = form_field(self, "client", forms.ModelChoiceField)
        clients = clients_visible_to(user=self.user)
        if instance is not None:
            clients = Client.objects.filter(
                Q(pk__in=clients.values("pk")) | Q(pk=instance.client_id)
            )
        client_field.queryset = clients.only("pk", "name").order_by("name", "pk")
        client_field.widget.attrs.update(
            {
                "hx-get": reverse("crm:opportunity_client_contacts"),
                "hx-target": "#id_contact",
                "hx-swap": "innerHTML",
                "hx-trigger": "change",
            }
        )
        chosen = self.data.get("client") if self.is_bound else self.initial.get("client")
        contact_field = form_field(self, "contact", forms.ModelChoiceField)
        contact_field.queryset = contacts_for_form(
            user=self.user,
            client_id=int_or_none(chosen),
            saved_client_id=instance.client_id if instance is not None else None,
        )
        selected = self.initial.get("products") or []
        products_field = form_field(self, "products", forms.ModelMultipleChoiceField)
        products_field.queryset = ProductService.objects.filter(
            Q(is_active=True) | Q(pk__in=selected)
        )
        owner_id = instance.owner_id if instance is not None else None
        owner_field = form_field(self, "owner", forms.ModelChoiceField)
        owner_field.queryset = User.objects.filter(
            Q(pk__in=assignable_executives().values("pk")) | Q(pk=owner_id)
        ).order_by("first_name", "last_name", "username")

    def probability_defaults(self) -> list[str]:
        """ "Por defecto: 10 % para Prospección", one line per open stage (admin-editable)."""
        defaults = StageSetting.objects.filter(stage__in=OPEN_STAGES).order_by("pk")
        return [
            _("Default: %(probability)s %% for %(stage)s")
            % {"probability": setting.default_probability, "stage": setting.get_stage_display()}
            for setting in defaults
        ]

    # Sections of the page, in the seed's order ------------------------------------------------

    def information_fields(self) -> list[BoundField]:
        return [self[name] for name in self.INFORMATION if name in self.fields]

    def bant_fields(self) -> list[tuple[BoundField, BoundField]]:
        return [(self[name], self[f"{name}_note"]) for name in BANT_QUESTIONS]

    def next_activity_fields(self) -> list[BoundField]:
        return [self[name] for name in self.NEXT_ACTIVITY]

    @property
    def stage_rules(self) -> tuple[StrOrPromise, ...]:
        return tuple(RULE_TO_ENTER.values())

    # Validation -------------------------------------------------------------------------------

    # The errors collected so far, which the clean methods read (set by full_clean before it
    # calls them; django-stubs does not declare it).
    _errors: ErrorDict

    @property
    def errors(self) -> ErrorDict:
        if self.draft:
            return ErrorDict(renderer=self.renderer)
        return super().errors

    def clean_probability(self) -> int | None:
        probability = self.cleaned_data["probability"]
        if probability is not None and not 0 <= probability <= 100:
            raise ValidationError(PROBABILITY_RANGE, code="range")
        return probability

    def clean_expected_close_date(self) -> date:
        close_date = self.cleaned_data["expected_close_date"]
        unchanged = self.instance is not None and close_date == self.instance.expected_close_date
        if close_date < timezone.localdate() and not unchanged:
            raise ValidationError(_("The expected close date cannot be in the past."), code="past")
        return close_date

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if "client" in self._errors:
            # One clear message: a client out of reach says it; its contacts are moot.
            self._errors.pop("contact", None)
        self._check_bant(data)
        self._check_next_activity(data)
        return data

    def _check_bant(self, data: dict) -> None:
        """The services' BANT rule (crm.stage_rules), shown on each unanswered question."""
        stage = data.get("stage")
        from_stage = None if self.instance is None else self.instance.stage
        if not stage or not bant_required(from_stage=from_stage, to_stage=stage):
            return
        unanswered = [name for name in BANT_QUESTIONS if data.get(name) is None]
        if not unanswered:
            return
        self.add_error("stage", BANT_MISSING)
        for name in unanswered:
            self.add_error(name, _("Answer it to move beyond Prospecting."))

    def _check_next_activity(self, data: dict) -> None:
        kind, when, subject = (data.get(name) for name in self.NEXT_ACTIVITY)
        if not (kind or when or subject):
            return
        if not kind:
            self.add_error("activity_type", _("Choose the type of the next activity."))
        if when is None:
            if "activity_at" not in self._errors:
                self.add_error("activity_at", _("Enter the date and time of the next activity."))
        elif when < timezone.now():
            self.add_error("activity_at", _("The next activity must be in the future."))

    # Output -----------------------------------------------------------------------------------

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in OPPORTUNITY_FIELDS}
        data["estimated_value_currency"] = self.cleaned_data["estimated_value_currency"]
        if self.instance is not None and self.instance.is_open:
            probability = self.cleaned_data["probability"]
            if probability is None:
                probability = default_probability(self.instance.stage)
            data["probability"] = probability
        return data

    def next_activity(self) -> ActivityInput | None:
        kind = self.cleaned_data.get("activity_type")
        if not kind:
            return None
        return ActivityInput(
            type=kind,
            subject=self.cleaned_data["activity_subject"] or str(ActivityType(kind).label),
            scheduled_at=self.cleaned_data["activity_at"],
            contact=self.cleaned_data.get("contact"),
        )

    def rebased(self, *, data: QueryDict, current: Opportunity) -> "OpportunityForm":
        """After an edit conflict: the user's input on top of the current version, so that
        saving again deliberately replaces what the other person changed."""
        data = data.copy()
        data["version"] = str(current.version)
        return OpportunityForm(data, user=self.user, instance=current)


class OpportunityQuery(QueryForm):
    """?client= preselects the client of a new opportunity (and asks its contacts);
    ?timeline= is how many pages of the opportunity's history are shown."""

    client = query_id()
    timeline = query_count()
