"""The client form ("Crear Nuevo Cliente", steps 3 to 8) with its contacts in the same page.

`ClientForm` carries its contacts formset as `form.contacts`: one object for the view to
validate, render and turn into the services' input. A *draft* form is a bound form shown
again only to add a contact row: it keeps what was typed and shows no errors yet.
"""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import BoundField
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.renderers import BaseRenderer
from django.forms.utils import ErrorDict, ErrorList
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import assignable_executives
from config.forms import AmountField, BootstrapFormMixin
from crm.forms.base import (
    CurrencyField,
    FormMixinBase,
    ServiceErrorsMixin,
    VersionField,
    int_or_none,
)
from crm.models import Client, Contact, Industry
from crm.money import original_amount
from crm.ownership import may_reassign
from crm.phones import normalize_phone
from crm.selectors.clients import clients_visible_to, contacts_of
from crm.services import CLIENT_FIELDS, ContactInput
from crm.tax_ids import normalize_tax_id

CONTACTS_PREFIX = "contacts"
MAX_CONTACTS = 50
TOTAL_FORMS_KEY = f"{CONTACTS_PREFIX}-TOTAL_FORMS"
# Django 6.1's prompt of an empty select has no Spanish in Django's own catalogue yet; the
# same msgid used here brings it into ours, which Django reads first (LOCALE_PATHS).
SELECT_PROMPT = _("- Select an option -")


class DraftMixin(FormMixinBase):
    """A draft form renders the submitted values and no error messages."""

    draft = False

    @property
    def errors(self) -> ErrorDict:
        if self.draft:
            return ErrorDict(renderer=self.renderer)
        return super().errors


class ContactForm(DraftMixin, BootstrapFormMixin, forms.Form):
    """One row of "Contactos principales"; `id` and `version` identify a saved contact."""

    required_css_class = "required"

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = VersionField(required=False)
    name = Contact._meta.get_field("name").formfield()
    position = Contact._meta.get_field("position").formfield()
    email = Contact._meta.get_field("email").formfield()
    phone = Contact._meta.get_field("phone").formfield(
        help_text=_("For example 0414-123-4567 or +57 601 234 5678.")
    )
    is_primary = Contact._meta.get_field("is_primary").formfield()

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])


class BaseContactFormSet(forms.BaseFormSet):
    """The contacts of one client: exactly one primary as soon as there is any contact."""

    renderer: BaseRenderer  # set by formset_factory (django-stubs does not declare it)

    def __init__(
        self,
        *args: Any,
        client: Client | None = None,
        draft: bool = False,
        focus_last: bool = False,
        **kwargs: Any,
    ) -> None:
        self.client = client
        self.draft = draft
        self.focus_last = focus_last
        extra = kwargs.pop("extra", None)
        super().__init__(*args, **kwargs)
        if extra is not None:
            self.extra = extra

    def _construct_form(self, i: int, **kwargs: Any) -> ContactForm:
        # django-stubs omits the private BaseFormSet._construct_form.
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        form.draft = self.draft
        if self.focus_last and i == self.total_form_count() - 1:
            # The row just added gets the cursor, after a page load or an htmx swap alike.
            form.fields["name"].widget.attrs["autofocus"] = True
        return form

    def add_fields(self, form: ContactForm, index: int | None) -> None:
        super().add_fields(form, index)
        remove = form.fields[DELETION_FIELD_NAME]
        remove.label = _("Remove")
        remove.widget.attrs["class"] = "form-check-input"

    # django-stubs types BaseFormSet.errors as list[ErrorList]; Django returns each form's
    # ErrorDict.
    @property
    def errors(self) -> list[ErrorDict]:  # type: ignore[override]
        if self.draft:
            return [ErrorDict() for _form in self.forms]
        return cast(list[ErrorDict], super().errors)

    def non_form_errors(self) -> ErrorList:
        if self.draft:
            return self.error_class(error_class="nonform", renderer=self.renderer)
        return super().non_form_errors()

    def rows(self) -> list[ContactForm]:
        """The filled-in rows that are kept (not empty extra rows, not ticked "Remove")."""
        return [
            form
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and not _removed(form)
            and (form.has_changed() or form in self.initial_forms)
        ]

    def clean(self) -> None:
        self._check_ids()
        rows = self.rows()
        primaries = sum(1 for form in rows if form.cleaned_data.get("is_primary"))
        # A lone contact is the primary one without a tick (the service marks it).
        if len(rows) > 1 and primaries == 0:
            raise ValidationError(
                _("Mark one of the contacts as the primary contact."), code="no_primary"
            )
        if primaries > 1:
            raise ValidationError(
                _("Only one contact can be the primary contact: untick the others."),
                code="many_primaries",
            )

    def _check_ids(self) -> None:
        ids = {form.cleaned_data.get("id") for form in self.forms if hasattr(form, "cleaned_data")}
        ids.discard(None)
        if not ids:
            return
        known = set()
        if self.client is not None and all(int_or_none(pk) is not None for pk in ids):
            # (An id beyond the id column is no contact of this client: not even asked.)
            # Deleted ones too: if someone removed a contact meanwhile, the edit conflict
            # (not this check) tells the user.
            known = set(
                Contact.all_objects.filter(client=self.client, pk__in=ids).values_list(
                    "pk", flat=True
                )
            )
        if ids - known:
            raise ValidationError(
                _("A contact in this form does not belong to the client. Reload the page."),
                code="foreign_contact",
            )

    def contact_inputs(self) -> list[ContactInput]:
        """The rows as the services' input, removed saved contacts included."""
        inputs = []
        kept = self.rows()
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if _removed(form):
                if data.get("id"):
                    inputs.append(
                        ContactInput(
                            name="", id=data["id"], version=data.get("version"), delete=True
                        )
                    )
                continue
            if form in kept:
                inputs.append(
                    ContactInput(
                        name=data["name"],
                        position=data["position"],
                        email=data["email"],
                        phone=data["phone"],
                        is_primary=data["is_primary"],
                        id=data.get("id"),
                        version=data.get("version"),
                    )
                )
        return inputs


def _removed(form: forms.Form) -> bool:
    """Whether the row's "Quitar" box is ticked."""
    return bool(getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME))


ContactFormSet = cast(
    type[BaseContactFormSet],
    forms.formset_factory(
        ContactForm,
        formset=BaseContactFormSet,
        extra=1,
        can_delete=True,
        max_num=MAX_CONTACTS,
        absolute_max=MAX_CONTACTS,
    ),
)


class ClientForm(ServiceErrorsMixin, DraftMixin, BootstrapFormMixin, forms.ModelForm):
    """Every field of the seed, in its order, with the contacts as `self.contacts`."""

    required_css_class = "required"
    BASIC = ("name", "tax_id", "kind", "industry", "segment")
    CONTACT = ("address", "phone", "email", "website")
    BUSINESS = ("lead_source", "owner", "potential", "potential_currency")

    version = VersionField()
    save_anyway = forms.BooleanField(label=_("Save anyway"), required=False)
    potential_currency = CurrencyField(label=_("Currency of the potential"))

    class Meta:
        model = Client
        fields = [*CLIENT_FIELDS, "potential_currency"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"potential": AmountField}
        help_texts = {
            "tax_id": _("RIF such as J-12345678-9 or NIT such as 900.123.456-8."),
            "website": _("For example www.empresa.com.ve."),
            "potential": _("Estimated amount of business with this client."),
        }
        error_messages = {
            "owner": {
                "invalid_choice": _(
                    "Choose an executive with a commercial role (Ejecutivo or Gerente Comercial)."
                )
            },
            "website": {"invalid": _("Enter a web address such as www.empresa.com.ve.")},
        }

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        user: User,
        instance: Client | None = None,
        draft: bool = False,
        added_contact: bool = False,
    ) -> None:
        creating = instance is None or instance.pk is None
        initial: dict[str, object] = {"owner": user.pk}
        if instance is not None and instance.pk is not None:
            # The potential as it was typed, in its currency (the column itself is USD).
            initial = {
                "version": instance.version,
                "potential": original_amount(instance, "potential"),
            }
        super().__init__(data, instance=instance, initial=initial)
        self.user = user
        self.draft = draft
        self.creating = creating
        if creating:
            del self.fields["version"]
        else:
            del self.fields["save_anyway"]
        industry = cast(forms.ModelChoiceField, self.fields["industry"])
        industry.empty_label = SELECT_PROMPT
        industry.queryset = Industry.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.industry_id)
        )
        owner = cast(forms.ModelChoiceField, self.fields["owner"])
        owner.empty_label = SELECT_PROMPT
        # Someone who lost the commercial role may keep their clients until reassigned.
        owner.queryset = User.objects.filter(
            Q(pk__in=assignable_executives().values("pk")) | Q(pk=self.instance.owner_id)
        ).order_by("first_name", "last_name", "username")
        if not creating and not may_reassign(user):
            # Ignored when posted: only managers reassign (the service refuses it too).
            owner.disabled = True
            owner.help_text = _("Only a sales manager can reassign it.")
        self.contacts = ContactFormSet(
            data,
            prefix=CONTACTS_PREFIX,
            client=None if creating else self.instance,
            draft=draft,
            focus_last=added_contact,
            **({} if data is not None or creating else self._saved_contacts()),
        )

    def _saved_contacts(self) -> dict:
        rows = [
            {
                "id": c.pk,
                "version": c.version,
                "name": c.name,
                "position": c.position,
                "email": c.email,
                "phone": c.phone,
                "is_primary": c.is_primary,
            }
            for c in contacts_of(client=self.instance)
        ]
        return {"initial": rows, "extra": 0 if rows else 1}

    # Sections of the page, in the seed's order.
    def basic_fields(self) -> list[BoundField]:
        return [self[name] for name in self.BASIC]

    def contact_fields(self) -> list[BoundField]:
        return [self[name] for name in self.CONTACT]

    def business_fields(self) -> list[BoundField]:
        return [self[name] for name in self.BUSINESS]

    def clean_tax_id(self) -> str:
        tax_id = normalize_tax_id(self.cleaned_data["tax_id"])
        taken = Client.objects.filter(tax_id=tax_id).exclude(pk=self.instance.pk).first()
        if taken is None:
            return tax_id
        if clients_visible_to(user=self.user).filter(pk=taken.pk).exists():
            raise ValidationError(
                _("A client with this RIF/NIT already exists: “%(name)s”."),
                code="unique",
                params={"name": taken.name},
            )
        raise ValidationError(_("A client with this RIF/NIT already exists."), code="unique")

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def validate_unique(self) -> None:
        # The only constraint (live RIF/NIT) is checked in clean_tax_id, with a message that
        # names the other client; the service's full_clean and the database check it again.
        pass

    def is_valid(self) -> bool:
        form_valid = super().is_valid()
        contacts_valid = self.contacts.is_valid()
        return form_valid and contacts_valid

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or bool(self.contacts.total_error_count())

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in (*CLIENT_FIELDS, "potential_currency")}

    def contact_inputs(self) -> list[ContactInput]:
        return self.contacts.contact_inputs()

    def duplicate_lookup(self) -> dict:
        """The arguments of crm.duplicates.likely_duplicates for what was entered."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "tax_id": data["tax_id"],
            "email": data["email"],
            "phone": data["phone"],
            "exclude_pk": self.instance.pk,
        }

    def rebased(self, *, data: QueryDict) -> "ClientForm":
        """After an edit conflict: the user's input on top of the current versions, so that
        saving again deliberately overwrites what the other person changed."""
        current = Client.all_objects.get(pk=self.instance.pk)
        contacts = {c.pk: c for c in Contact.all_objects.filter(client=current)}
        data = data.copy()
        data["version"] = str(current.version)
        for index in range(self.contacts.total_form_count()):
            key = f"{CONTACTS_PREFIX}-{index}-"
            contact = contacts.get(int_or_none(data.get(key + "id")) or 0)
            if contact is None or contact.is_deleted:
                # Removed meanwhile: if kept, the row is saved as a new contact.
                data[key + "id"] = data[key + "version"] = ""
            else:
                data[key + "version"] = str(contact.version)
        return ClientForm(data, user=self.user, instance=current, draft=True)


def with_another_contact_row(data: QueryDict) -> QueryDict:
    """The submitted data with one more (empty) contact row: "Agregar otro contacto"."""
    data = data.copy()
    total = int_or_none(data.get(TOTAL_FORMS_KEY)) or 0
    data[TOTAL_FORMS_KEY] = str(min(max(total, 0) + 1, MAX_CONTACTS))
    return data
