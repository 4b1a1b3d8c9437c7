"""django-import-export resources for the commercial imports (not the admin's, which is
crm/resources.py): rows are matched within the importing user's scope and written through
crm.services, so every change lands in the client's history.

Rules shared by both imports:
- A blank cell changes nothing (a new record keeps the default, an existing one its value).
- A row that repeats an earlier row of the file is an error that names the earlier row.
- Errors are filed under the resource field; report.py shows them under the column label.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources
from tablib import Dataset

from accounts.models import User
from accounts.selectors import assignable_executives
from crm.concurrency import StaleVersionError
from crm.imports.columns import CLIENT_COLUMNS, CONTACT_COLUMNS, Column
from crm.imports.widgets import (
    AmountWidget,
    ChoiceWidget,
    EmailWidget,
    ExecutiveWidget,
    IndustryWidget,
    PhoneWidget,
    TaxIdWidget,
    TextWidget,
    WebsiteWidget,
    YesNoWidget,
)
from crm.models import (
    CLIENT_FIELDS,
    CONTACT_FIELDS,
    Client,
    ClientKind,
    Contact,
    LeadSource,
    Segment,
)
from crm.ownership import check_owner_change
from crm.selectors.clients import clients_editable_by
from crm.services import ContactInput, client_create, client_update
from crm.tax_ids import normalize_tax_id


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def tax_key(value: object) -> str | None:
    """The normalised RIF/NIT of a cell, or None when it is not a valid one."""
    try:
        return normalize_tax_id(str(value or ""))
    except ValidationError:
        return None


def column_values(dataset: Dataset, name: str) -> list:
    return list(dataset[name]) if name in (dataset.headers or ()) else [""] * len(dataset)


class ImportResource(resources.ModelResource):
    """What both imports share: blank cells, line numbers, changed columns."""

    columns: tuple[Column, ...] = ()
    # The cells that name a row in the preview.
    title_field = "name"
    subtitle_field = ""

    def __init__(self, *, user: User, lines: list[int]) -> None:
        super().__init__()
        self.user = user
        self.lines = lines
        self.labels = {column.field: str(column.label) for column in self.columns}
        # Row index -> the error of a row that repeats an earlier one (set by before_import).
        self.repeated_of: dict[int, ValidationError] = {}

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        error = self.repeated_of.get(kwargs["row_number"] - 1)
        if error is not None:
            raise error

    def import_field(
        self, field: Any, instance: Any, row: dict[str, Any], is_m2m: bool = False, **kwargs: Any
    ) -> None:
        if is_blank(row.get(field.column_name)):
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def after_import_row(self, row: dict[str, Any], row_result: Any, **kwargs: Any) -> None:
        row_result.changed_labels = []
        if row_result.is_update() and row_result.original is not None:
            row_result.changed_labels = [
                self.labels[field.attribute]
                for field in self.get_import_fields()
                if field.get_value(row_result.original) != field.get_value(row_result.instance)
            ]

    def after_import(self, dataset: Dataset, result: Any, **kwargs: Any) -> None:
        # ModelResource resets the id sequence here. That is for files that carry primary
        # keys (these never do), and on PostgreSQL it could hand out an id twice while
        # other users insert: skipped on purpose.
        return None


class ClientImportResource(ImportResource):
    """Clients by RIF/NIT: an existing client the user can see is updated, a new RIF/NIT
    creates a client (assigned to the importing user unless the file says otherwise), a
    RIF/NIT of a client outside the user's scope is an error, never an overwrite."""

    columns = CLIENT_COLUMNS
    subtitle_field = "tax_id"

    name = fields.Field(attribute="name", column_name="name", widget=TextWidget())
    tax_id = fields.Field(attribute="tax_id", column_name="tax_id", widget=TaxIdWidget())
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceWidget(ClientKind))
    industry = fields.Field(attribute="industry", column_name="industry", widget=IndustryWidget())
    segment = fields.Field(attribute="segment", column_name="segment", widget=ChoiceWidget(Segment))
    address = fields.Field(attribute="address", column_name="address", widget=TextWidget())
    phone = fields.Field(attribute="phone", column_name="phone", widget=PhoneWidget())
    email = fields.Field(attribute="email", column_name="email", widget=EmailWidget())
    website = fields.Field(attribute="website", column_name="website", widget=WebsiteWidget())
    lead_source = fields.Field(
        attribute="lead_source", column_name="lead_source", widget=ChoiceWidget(LeadSource)
    )
    owner = fields.Field(attribute="owner", column_name="owner", widget=ExecutiveWidget())
    potential = fields.Field(attribute="potential", column_name="potential", widget=AmountWidget())
    notes = fields.Field(attribute="notes", column_name="notes", widget=TextWidget())

    class Meta:
        model = Client
        fields = tuple(column.field for column in CLIENT_COLUMNS)
        import_id_fields = ("tax_id",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        skip_html_diff = True
        store_instance = True
        use_transactions = True

    def before_import(self, dataset: Dataset, **kwargs: Any) -> None:
        keys = [tax_key(value) for value in column_values(dataset, "tax_id")]
        first_line: dict[str, int] = {}
        for index, key in enumerate(keys):
            if key is None:
                continue
            if key in first_line:
                self.repeated_of[index] = self._repeated_message(first_line[key])
            else:
                first_line[key] = self.lines[index]
        found = list(first_line)
        self.existing = {
            client.tax_id: client
            for client in Client.objects.filter(tax_id__in=found).select_related(
                "industry", "owner"
            )
        }
        # Updating a client is editing it: only those the user may change (crm.selectors).
        self.visible = set(
            clients_editable_by(user=self.user)
            .filter(tax_id__in=found)
            .values_list("pk", flat=True)
        )
        self.default_owner = (
            self.user if assignable_executives().filter(pk=self.user.pk).exists() else None
        )
        self.owner_before: int | None = None

    @staticmethod
    def _repeated_message(line: int) -> ValidationError:
        return ValidationError(
            {
                "tax_id": _("This RIF/NIT is repeated in the file: it is also in row %(line)s.")
                % {"line": line}
            }
        )

    def get_instance(self, instance_loader: Any, row: dict[str, Any]) -> Client | None:
        key = tax_key(row.get("tax_id"))
        client = self.existing.get(key) if key is not None else None
        if client is not None and client.pk not in self.visible:
            raise ValidationError(
                {
                    "tax_id": _(
                        "RIF/NIT registered by another executive: you cannot change that "
                        "client. Ask a manager."
                    )
                }
            )
        return client

    def init_instance(self, row: dict[str, Any] | None = None) -> Client:
        return Client(owner=self.default_owner)

    def after_init_instance(
        self, instance: Client, new: bool, row: dict[str, Any], **kwargs: Any
    ) -> None:
        self.owner_before = None if new else instance.owner_id

    def import_instance(self, instance: Client, row: dict[str, Any], **kwargs: Any) -> None:
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if "owner" not in errors:
            if instance.owner_id is None:
                errors["owner"] = [
                    _("Write the username of the assigned executive (you have no commercial role).")
                ]
            else:
                try:
                    check_owner_change(
                        user=self.user,
                        old_owner_id=self.owner_before,
                        new_owner_id=instance.owner_id,
                    )
                except PermissionDenied:
                    errors["owner"] = [
                        _("Only a manager can assign a client to another executive.")
                    ]
        if errors:
            raise ValidationError(errors)

    def save_instance(
        self, instance: Client, is_create: bool, row: dict[str, Any], **kwargs: Any
    ) -> None:
        data = {name: getattr(instance, name) for name in CLIENT_FIELDS}
        try:
            if is_create:
                saved = client_create(user=self.user, data=data)
            else:
                saved = client_update(
                    user=self.user,
                    client_id=instance.pk,
                    expected_version=instance.version,
                    data=data,
                )
        except StaleVersionError:
            raise ValidationError(
                _("Someone changed this client while the file was being imported. Try again.")
            ) from None
        instance.pk, instance.version = saved.pk, saved.version


class ContactImportResource(ImportResource):
    """Contacts of the user's clients, found by the client's RIF/NIT. A contact of that
    client with the same email (or, without email, the same name) is updated; otherwise
    the contact is added. A contact marked primary replaces the client's previous one."""

    columns = CONTACT_COLUMNS
    subtitle_field = "client"

    name = fields.Field(attribute="name", column_name="name", widget=TextWidget())
    position = fields.Field(attribute="position", column_name="position", widget=TextWidget())
    email = fields.Field(attribute="email", column_name="email", widget=EmailWidget())
    phone = fields.Field(attribute="phone", column_name="phone", widget=PhoneWidget())
    is_primary = fields.Field(
        attribute="is_primary", column_name="is_primary", widget=YesNoWidget()
    )

    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        skip_html_diff = True
        store_instance = True
        use_transactions = True

    def before_import(self, dataset: Dataset, **kwargs: Any) -> None:
        keys = [tax_key(value) for value in column_values(dataset, "client")]
        self.clients = {
            client.tax_id: client
            for client in clients_editable_by(user=self.user).filter(
                tax_id__in=[key for key in keys if key]
            )
        }
        seen: dict[tuple, int] = {}
        primary_seen: dict[str, int] = {}
        rows = zip(
            keys,
            column_values(dataset, "email"),
            column_values(dataset, "name"),
            column_values(dataset, "is_primary"),
            strict=True,
        )
        for index, (key, email, name, primary) in enumerate(rows):
            if key is None:
                continue
            identity = (
                (key, "email", str(email).strip().lower())
                if not is_blank(email)
                else (
                    key,
                    "name",
                    str(name).strip().lower(),
                )
            )
            if identity in seen:
                self.repeated_of[index] = ValidationError(
                    _("This contact is repeated in the file: it is also in row %(line)s.")
                    % {"line": seen[identity]}
                )
                continue
            seen[identity] = self.lines[index]
            if self._says_yes(primary):
                if key in primary_seen:
                    self.repeated_of[index] = ValidationError(
                        {
                            "is_primary": _(
                                "Row %(line)s already makes another contact of this client "
                                "its primary contact."
                            )
                            % {"line": primary_seen[key]}
                        }
                    )
                else:
                    primary_seen[key] = self.lines[index]
        self.row_client: Client | None = None

    @staticmethod
    def _says_yes(value: object) -> bool:
        try:
            return bool(YesNoWidget().clean(value))
        except ValueError:
            return False

    def get_instance(self, instance_loader: Any, row: dict[str, Any]) -> Contact | None:
        raw = row.get("client")
        try:
            key = normalize_tax_id(str(raw or ""))
        except ValidationError as exc:
            raise ValidationError({"client": exc.messages}) from None
        self.row_client = self.clients.get(key)
        if self.row_client is None:
            raise ValidationError(
                {
                    "client": _(
                        "None of your clients has the RIF/NIT %(rif)s. Import or create the "
                        "client first."
                    )
                    % {"rif": key}
                }
            )
        # Read now, not up front: earlier rows may have just changed these contacts.
        contacts = self.row_client.contacts.order_by("pk")
        if not is_blank(row.get("email")):
            return contacts.filter(email__iexact=str(row["email"]).strip()).first()
        if not is_blank(row.get("name")):
            return contacts.filter(name__iexact=str(row["name"]).strip()).first()
        return None

    def init_instance(self, row: dict[str, Any] | None = None) -> Contact:
        return Contact(client=self.row_client)

    def import_instance(self, instance: Contact, row: dict[str, Any], **kwargs: Any) -> None:
        was_primary = instance.pk is not None and instance.is_primary
        super().import_instance(instance, row, **kwargs)
        # "No" never demotes the primary contact (a client always keeps one): a row that
        # names another contact as primary does.
        if was_primary:
            instance.is_primary = True

    def validate_instance(
        self,
        instance: Contact,
        import_validation_errors: dict[str, Any] | None = None,
        validate_unique: bool = True,
    ) -> None:
        # The one-primary constraint is checked by the service, after it demotes the
        # previous primary contact; checked here it would refuse every primary switch.
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=list(errors), validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_instance(
        self, instance: Contact, is_create: bool, row: dict[str, Any], **kwargs: Any
    ) -> None:
        client = Client.objects.get(pk=instance.client_id)
        rows = [
            ContactInput(
                name=instance.name,
                position=instance.position,
                email=instance.email,
                phone=instance.phone,
                is_primary=instance.is_primary,
                id=instance.pk,
                version=instance.version if instance.pk else None,
            )
        ]
        if instance.is_primary:
            previous = client.contacts.filter(is_primary=True).exclude(pk=instance.pk).first()
            if previous is not None:
                rows.append(
                    ContactInput(
                        name=previous.name,
                        position=previous.position,
                        email=previous.email,
                        phone=previous.phone,
                        is_primary=False,
                        id=previous.pk,
                        version=previous.version,
                    )
                )
        try:
            client_update(
                user=self.user,
                client_id=client.pk,
                expected_version=client.version,
                data={},
                contacts=rows,
            )
        except StaleVersionError:
            raise ValidationError(
                _("Someone changed this contact while the file was being imported. Try again.")
            ) from None
