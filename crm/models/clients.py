"""Clients, their contacts and the history of both."""

from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from crm.models.base import (
    ActivityFacts,
    ActivityFactsQuerySet,
    EditFlagQuerySet,
    Record,
    SearchTextModel,
    SearchTextQuerySet,
    compact_tax_id,
    name_key,
    sort_indexes,
)
from crm.models.exchange_rates import currency_field, rate_field, ves_field
from crm.phones import phone_key
from crm.recycle_bin import AllObjectsManager, LiveManager, LiveQuerySet

if TYPE_CHECKING:
    from crm.models.activities import Activity, ActivityQuerySet


class Industry(models.Model):
    """Admin-maintained catalogue for the client's "Industria"."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClientKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PERSON = "person", _("Natural person")


class Segment(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class LeadSource(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    WEB = "web", _("Web")
    EVENT = "event", _("Event")
    COLD_CALL = "cold_call", _("Cold call")
    SOCIAL = "social", _("Social media")
    OTHER = "other", _("Other")


# The fields a user gives a client, in the seed's order: the one list behind the form, the
# services, the history, the imports (app and admin) and the field columns of the export.
CLIENT_FIELDS = (
    "name",
    "tax_id",
    "kind",
    "industry",
    "segment",
    "address",
    "phone",
    "email",
    "website",
    "lead_source",
    "owner",
    "potential",
    "notes",
)
# The fields a user gives a contact (the client form's rows, the services, imports, admin).
CONTACT_FIELDS = ("name", "position", "email", "phone", "is_primary")


# The ignore[override] below: django-stubs generates an `as_manager` for each QuerySet class,
# and one built from two of them cannot return both generated managers (a stubs limit).
class ClientQuerySet(  # type: ignore[override]
    ActivityFactsQuerySet["Client"],
    EditFlagQuerySet["Client"],
    SearchTextQuerySet["Client"],
    LiveQuerySet["Client"],
):
    @classmethod
    def live_activities(cls, *, outer: str = "pk") -> "ActivityQuerySet":
        """The activities that count for a client's activity facts (see ActivityFacts):
        live, not cancelled, and not of an opportunity in the recycle bin (which takes its
        activities out of every list). `outer`: the expression that gives the client's id."""
        # Activity's module imports this one: the model from the relation, its type for mypy.
        activity = cast("type[Activity]", Client._meta.get_field("activities").related_model)
        return activity.objects.filter(
            Q(opportunity__isnull=True) | Q(opportunity__deleted_at__isnull=True),
            client=OuterRef(outer),
            cancelled_at__isnull=True,
        )

    def with_list_facts(self, *, opportunities: QuerySet) -> "ClientQuerySet":
        """The client list's (and export's) columns beyond the row: the live contacts'
        count, the primary contact's name and the count of `opportunities` (the caller
        scopes them: in "own" mode an executive counts only those he may open); the date
        of the last done activity is a kept column (`last_activity_at`). Each a subquery
        of the same query, so a page costs the same whatever its rows."""
        contacts = Contact.objects.filter(client=OuterRef("pk"))
        return self.annotate(
            contact_count=_count_per_client(Contact.objects.all()),
            primary_contact_name=Subquery(contacts.filter(is_primary=True).values("name")[:1]),
            open_opportunity_count=_count_per_client(opportunities),
        )


def _count_per_client(rows: QuerySet) -> Coalesce:
    counted = rows.filter(client=OuterRef("pk")).order_by().values("client")
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)


ClientManagerBase = LiveManager.from_queryset(ClientQuerySet)
ClientAllObjectsManager = AllObjectsManager.from_queryset(ClientQuerySet)


class ClientManager(ClientManagerBase):
    """Live clients (as every Record) with the query shapes of ClientQuerySet."""


class Client(Record, SearchTextModel, ActivityFacts):
    # The searched parts (crm.search): name (also as name_key, without legal suffix),
    # RIF/NIT without separators, email and the phone's digits.
    SEARCH_SOURCE_FIELDS = ("name", "tax_id", "email", "phone")

    name = models.CharField(_("name or company name"), max_length=200)
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    tax_id = models.CharField(_("RIF/NIT"), max_length=20)
    kind = models.CharField(
        _("type"), max_length=10, choices=ClientKind.choices, default=ClientKind.COMPANY
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clients",
    )
    segment = models.CharField(_("segment"), max_length=1, choices=Segment.choices)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    lead_source = models.CharField(
        _("lead source"), max_length=12, choices=LeadSource.choices, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned executive"),
        on_delete=models.PROTECT,
        related_name="clients",
    )
    potential = models.DecimalField(
        _("business potential"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    potential_currency = currency_field(_("currency of the business potential"))
    potential_rate = rate_field(_("exchange rate of the business potential"))
    potential_ves = ves_field(_("business potential in VES"))
    notes = models.TextField(_("notes"), blank=True)
    # Set when a manager merged this client into another ("Fusionar"): it is then in the
    # recycle bin, its related rows belong to `merged_into`, and it cannot be restored.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_clients",
        editable=False,
    )

    objects: ClassVar[ClientManager] = ClientManager()
    all_objects: ClassVar[ClientAllObjectsManager] = ClientAllObjectsManager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_id"],
                condition=Q(deleted_at__isnull=True),
                name="client_unique_live_tax_id",
                violation_error_message=_("A client with this RIF/NIT already exists."),
            )
        ]
        indexes = [
            models.Index(fields=["owner", "name"], name="client_owner_name"),
            models.Index(fields=["segment"], name="client_segment"),
            # Every column sort of the client list, both ways (name and pk, the tie-breaks,
            # always ascend); the owner trails for the "own" visibility.
            *sort_indexes(
                "client",
                {"tax_id": "tax_id", "segment": "segment", "updated": "updated_at"},
                then=["name", "id"],
                covering=["owner_id"],
            ),
            *sort_indexes("client", {"name": "name"}, then=["id"], covering=["owner_id"]),
            # "Own only" visibility of the rows that point to a client: the user's live
            # clients, index-only.
            models.Index(
                fields=["owner", "id"],
                name="client_live_owner",
                condition=Q(deleted_at__isnull=True),
            ),
            # The recycle bin's few rows, excluded by the documents list (h-docs).
            models.Index(
                fields=["deleted_at"], name="client_deleted", condition=Q(deleted_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)

    def search_parts(self) -> tuple[str, ...]:
        return (
            self.name,
            name_key(self.name),
            compact_tax_id(self.tax_id),
            self.email,
            phone_key(self.phone),
        )

    def get_absolute_url(self) -> str:
        return reverse("crm:client_detail", args=[self.pk])


class ClientUserObjectPermission(UserObjectPermissionBase):
    """django-guardian's direct-foreign-key table for per-client grants (sharing)."""

    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)


# The ignore[override] below: django-stubs generates an `as_manager` for each QuerySet class,
# and one built from two of them cannot return both generated managers (a stubs limit).
class ContactQuerySet(  # type: ignore[override]
    SearchTextQuerySet["Contact"], LiveQuerySet["Contact"]
):
    pass


ContactManager = LiveManager.from_queryset(ContactQuerySet)
ContactAllObjectsManager = AllObjectsManager.from_queryset(ContactQuerySet)


class Contact(Record, SearchTextModel):
    SEARCH_SOURCE_FIELDS = ("name", "email", "phone")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("contact name"), max_length=150)
    position = models.CharField(_("position"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    objects: ClassVar[ContactManager] = ContactManager()
    all_objects: ClassVar[ContactAllObjectsManager] = ContactAllObjectsManager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(is_primary=True, deleted_at__isnull=True),
                name="contact_one_primary_per_client",
                violation_error_message=_("A client has only one primary contact."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def search_parts(self) -> tuple[str, ...]:
        return (self.name, self.email, phone_key(self.phone))


class ChangeRecord(models.Model):
    """One field of one record changed by one person: the "Historial" of a client."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")
        RESTORED = "restored", _("Restored")
        MERGED = "merged", _("Merged")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="change_records", editable=False
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=Action.choices)
    field = models.CharField(max_length=100, blank=True)
    field_label = models.CharField(max_length=100, blank=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    version = models.PositiveIntegerField(null=True, help_text="The record's version after it.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("history")
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["client", "-changed_at"], name="change_client_time")]

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.field_label or self.get_action_display()}"
