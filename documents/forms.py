"""Forms of the document repository and of "Enviar cotización"."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.validators import validate_email
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from accounts.models import Currency, User
from config.forms import AmountField, BootstrapFormMixin, LocalDateField, LocalDateTimeField
from crm.forms.base import CurrencyField, ServiceErrorsMixin, VersionField
from crm.forms.pickers import PickerChoiceField
from crm.models import Client, Contact, Opportunity
from crm.opportunities.selectors.visibility import opportunities_visible_to
from crm.selectors.clients import clients_visible_to
from documents.models import DocumentKind
from documents.quotes import QuoteInput, QuoteSendInput
from documents.services import DocumentInput
from documents.uploads import ALLOWED, max_upload_bytes, too_large_message
from projects_ro.models import Project
from projects_ro.selectors import projects_visible_to

ACCEPT = ",".join(f".{extension}" for extension in sorted(ALLOWED))

if TYPE_CHECKING:  # the mixin's methods are the form's, for mypy; plain object at run time
    _FormBase = forms.Form
else:
    _FormBase = object


def _model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """A declared model choice field of `form` (django-stubs type form.fields as Field)."""
    return cast(forms.ModelChoiceField, form.fields[name])


class UploadFieldMixin(_FormBase):
    """The file field, with the "too large" answer of documents.uploads.SizeLimitUploadHandler
    (the file was stopped while streaming in, so it is not in request.FILES)."""

    def __init__(self, *args: Any, too_large: set | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large or set()
        self.fields["file"].widget.attrs["accept"] = ACCEPT
        self.fields["file"].help_text = _(
            "PDF, Word, Excel, PowerPoint, OpenDocument, images, text or email; up to %(size)s."
        ) % {"size": filesizeformat(max_upload_bytes())}

    def clean(self) -> dict[str, Any]:
        super().clean()  # Form.clean gives back cleaned_data
        if "file" in self.too_large:
            self.errors.pop("file", None)
            self.add_error("file", too_large_message())
        return self.cleaned_data


class DocumentUploadForm(ServiceErrorsMixin, UploadFieldMixin, BootstrapFormMixin, forms.Form):
    """ "Subir Documento": file, Tipo, título, what it belongs to and, for Tipo Cotización,
    Número de cotización, Fecha de validez and Monto total."""

    file = forms.FileField(label=_("File"))
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Choose a type")), *DocumentKind.choices]
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    client = PickerChoiceField(
        kind="client", label=_("Client"), queryset=None, required=False, empty_label=_("No client")
    )
    opportunity = PickerChoiceField(
        kind="opportunity",
        depends_on="client",
        label=_("Opportunity"),
        queryset=None,
        required=False,
        empty_label=_("No opportunity"),
    )
    project = PickerChoiceField(
        kind="project",
        depends_on="client",
        label=_("Project"),
        queryset=None,
        required=False,
        empty_label=_("No project"),
    )
    number = forms.CharField(label=_("Quote number"), max_length=40, required=False)
    valid_until = LocalDateField(label=_("Valid until"), required=False)
    total_amount = AmountField(label=_("Total amount"), required=False)
    currency = CurrencyField(label=_("Currency of the total"))
    supersede_previous = forms.BooleanField(
        label=_("It replaces the opportunity's previous quote"), required=False
    )
    QUOTE_FIELDS = ("number", "valid_until", "total_amount", "currency", "supersede_previous")

    def __init__(
        self,
        *args: Any,
        user: User,
        opportunity: Opportunity | None = None,
        client: Client | None = None,
        project: Project | None = None,
        **kwargs: Any,
    ) -> None:
        linked_client = client or (opportunity.client if opportunity else None)
        initial = kwargs.setdefault("initial", {})
        initial.update(
            {
                "opportunity": opportunity.pk if opportunity else None,
                "client": linked_client.pk if linked_client else None,
                "project": project.pk if project else None,
            }
        )
        if opportunity is not None:
            initial.setdefault("kind", DocumentKind.QUOTE)
        super().__init__(*args, **kwargs)
        self.user = user
        self.fixed = opportunity or client or project  # came from a record's Documentos tab
        # The pickers render only the chosen record; the fields accept any record in scope.
        _model_choice(self, "client").queryset = clients_visible_to(user=user).only("pk", "name")
        _model_choice(self, "opportunity").queryset = opportunities_visible_to(user=user).only(
            "pk", "name"
        )
        _model_choice(self, "project").queryset = projects_visible_to(user=user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("kind") == DocumentKind.QUOTE:
            for name, message in (
                ("number", _("Enter the quote number.")),
                ("valid_until", _("Enter the validity date.")),
                ("total_amount", _("Enter the total amount.")),
            ):
                if cleaned.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, message)
            if not cleaned.get("opportunity") and "opportunity" not in self.errors:
                self.add_error("opportunity", _("A quote belongs to an opportunity."))
        return cleaned

    def document_input(self) -> DocumentInput:
        data = self.cleaned_data
        return DocumentInput(
            kind=data["kind"],
            title=data["title"],
            client=data["client"],
            opportunity=data["opportunity"],
            project=data["project"],
        )

    def quote_input(self) -> QuoteInput | None:
        data = self.cleaned_data
        if data["kind"] != DocumentKind.QUOTE:
            return None
        return QuoteInput(
            number=data["number"],
            valid_until=data["valid_until"],
            total_amount=data["total_amount"],
            supersede_previous=data["supersede_previous"],
            currency=data["currency"] or Currency.USD,
        )


class VersionForm(UploadFieldMixin, BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("New file"))
    reason = forms.CharField(label=_("Reason for the change"), max_length=300)


class VoidForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=300)


class ContactEmailChoiceField(forms.ModelChoiceField):
    """A contact shown with the address the quote goes to."""

    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj.name} <{obj.email}>"


class QuoteSendForm(BootstrapFormMixin, forms.Form):
    """Seed steps 9-11: the email to the client, then the opportunity's update."""

    contact = ContactEmailChoiceField(
        label=_("To"),
        queryset=Contact.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a contact of the client with an email.")},
    )
    cc = forms.CharField(
        label=_("Cc"),
        required=False,
        max_length=1000,
        help_text=_("Other addresses, separated by commas."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))
    follow_up_at = LocalDateTimeField(
        label=_("Schedule the follow-up on"),
        help_text=_("Proposal stage: every 3-5 days."),
    )
    opportunity_version = VersionField()

    def __init__(self, *args: Any, opportunity: Opportunity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contacts = opportunity.client.contacts.exclude(email="").order_by(
            "-is_primary", "name"
        )
        _model_choice(self, "contact").queryset = self.contacts

    def clean_cc(self) -> list[str]:
        addresses = [a.strip() for a in self.cleaned_data["cc"].replace(";", ",").split(",")]
        addresses = [a for a in addresses if a]
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("%(address)s is not a valid email address.") % {"address": address}
                ) from None
        return addresses

    def send_input(self) -> QuoteSendInput:
        data = self.cleaned_data
        return QuoteSendInput(
            contact=data["contact"],
            cc=data["cc"],
            subject=data["subject"],
            body=data["body"],
            follow_up_at=data["follow_up_at"],
            opportunity_version=data["opportunity_version"],
        )
