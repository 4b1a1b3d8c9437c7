from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.forms import BootstrapFormMixin
from crm.forms.base import QueryForm, VersionField, form_field, query_id
from crm.forms.pickers import PickerChoiceField
from crm.models import Client, Complaint, Opportunity
from crm.opportunities.selectors.visibility import opportunities_editable_by
from crm.selectors.clients import clients_visible_to, user_can_edit_client
from crm.selectors.pickers import picker_scope

if TYPE_CHECKING:  # projects_ro sits above crm: its kinds come through the picker registry
    from projects_ro.models import Project


def _assignable() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class ComplaintCreateForm(BootstrapFormMixin, forms.ModelForm):
    """A new complaint; the opportunity and project must belong to the chosen client."""

    required_css_class = "required"
    client = PickerChoiceField(kind="client", label=_("Client"), queryset=Client.objects.none())
    opportunity = PickerChoiceField(
        kind="editable-opportunity",
        depends_on="client",
        label=capfirst(Complaint._meta.get_field("opportunity").verbose_name),
        queryset=Opportunity.objects.none(),
        required=False,
    )
    project = PickerChoiceField(
        kind="client-project",
        depends_on="client",
        label=capfirst(Complaint._meta.get_field("project").verbose_name),
        queryset=None,  # set per user in __init__
        required=False,
    )

    class Meta:
        model = Complaint
        fields = [
            "client",
            "subject",
            "description",
            "area",
            "priority",
            "assigned_to",
            "opportunity",
            "project",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        client = form_field(self, "client", forms.ModelChoiceField)
        client.queryset = clients_visible_to(user=user).only("pk", "name")
        form_field(self, "assigned_to", forms.ModelChoiceField).queryset = _assignable()
        # A complaint follows its parent: an opportunity the user may change, else a client.
        opportunity = form_field(self, "opportunity", forms.ModelChoiceField)
        opportunity.queryset = opportunities_editable_by(user=user).only("pk", "name", "client_id")
        self.user = user
        # Only projects of clients the user sees (a complaint's project is its client's).
        projects = picker_scope(user=user, kind="client-project")
        project = form_field(self, "project", forms.ModelChoiceField)
        project.queryset = projects.select_related(None).only("pk", "code", "name", "client_id")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        client = cleaned.get("client")
        opportunity: Opportunity | None = cleaned.get("opportunity")
        if client and not opportunity and not user_can_edit_client(user=self.user, client=client):
            self.add_error(
                "client",
                _("You may only view this client: choose one of your opportunities with it."),
            )
        project: Project | None = cleaned.get("project")
        if client and opportunity and opportunity.client_id != client.pk:
            self.add_error("opportunity", _("The opportunity must belong to the client."))
        if client and project and project.client_id != client.pk:
            self.add_error("project", _("The project must belong to the client."))
        return cleaned


class ComplaintUpdateForm(BootstrapFormMixin, forms.ModelForm):
    """Follow a complaint to its resolution: status, assignee, resolution, satisfaction."""

    required_css_class = "required"
    version = VersionField()
    client_satisfied = forms.TypedChoiceField(
        label=_("Did the client confirm being satisfied?"),
        choices=[("", _("Not asked yet")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )

    class Meta:
        model = Complaint
        fields = ["status", "priority", "assigned_to", "resolution", "client_satisfied"]
        widgets = {"resolution": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "assigned_to", forms.ModelChoiceField).queryset = _assignable()
        satisfied = self.instance.client_satisfied
        self.initial["client_satisfied"] = {True: "yes", False: "no"}.get(satisfied, "")
        self.initial.setdefault("version", self.instance.version)


class ComplaintCreateQuery(QueryForm):
    """?client=: the client a new complaint is for (from the client's page)."""

    client = query_id()
