"""factory_boy factories shared by the test suite."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from contractors_ro.models import Contractor
from crm.models import Activity, ActivityType, Client, Contact, Opportunity, Stage
from crm.services.activity_facts import refresh_for_activities
from crm.tax_ids import rif_with_check_digit
from projects_ro.models import Project

TEST_PASSWORD = "Clave-de-prueba-2026"


def valid_rif(n: int, kind: str = "J") -> str:
    return rif_with_check_digit(kind, n)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"usuario{n}")
    first_name = factory.Faker("first_name", locale="es_ES")
    last_name = factory.Faker("last_name", locale="es_ES")
    email = factory.LazyAttribute(lambda u: f"{u.username}@rumbo.test")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=[Role(role).value for role in extracted]))


# The owner of every record a test builds without naming one: one executive, fetched again
# (django_get_or_create on the username) rather than a new user with groups per row.
DEFAULT_OWNER = {"username": "propietario", "roles": [Role.EXECUTIVE]}


class ClientFactory(factory.django.DjangoModelFactory[Client]):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Empresa Demo {n}, C.A.")
    tax_id = factory.Sequence(lambda n: valid_rif(30000000 + n))
    segment = "B"
    owner = factory.SubFactory(UserFactory, **DEFAULT_OWNER)


class ContactFactory(factory.django.DjangoModelFactory[Contact]):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    name = factory.Faker("name", locale="es_ES")
    position = "Gerente de compras"
    email = factory.Sequence(lambda n: f"contacto{n}@empresa.com.ve")
    phone = "+58 212-5550101"


class ContractorFactory(factory.django.DjangoModelFactory[Contractor]):
    class Meta:
        model = Contractor

    name = factory.Sequence(lambda n: f"Contratista {n}, C.A.")
    tax_id = factory.Sequence(lambda n: valid_rif(40000000 + n))
    specialty = "Electricidad"
    contact_name = "Rafael Urdaneta"
    phone = "+58 212 555 0101"
    email = factory.Sequence(lambda n: f"contratista{n}@example.com")


class ProjectFactory(factory.django.DjangoModelFactory[Project]):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"PRY-{n:05d}")
    name = factory.Sequence(lambda n: f"Proyecto {n}")
    client = factory.SubFactory(ClientFactory)
    manager = "Pedro Márquez"
    location = "Caracas"

    @factory.post_generation
    def contractors(self, create, extracted, **kwargs):
        if create and extracted:
            self.contractors.set(extracted)


class OpportunityFactory(factory.django.DjangoModelFactory[Opportunity]):
    class Meta:
        model = Opportunity

    name = factory.Sequence(lambda n: f"Oportunidad {n}")
    client = factory.SubFactory(ClientFactory)
    owner = factory.LazyAttribute(lambda o: o.client.owner)
    estimated_value = Decimal("10000.00")
    expected_close_date = factory.LazyFunction(lambda: date.today() + timedelta(days=60))
    probability = 10
    stage = Stage.PROSPECTING
    stage_changed_at = factory.LazyFunction(timezone.now)


class ActivityFactory(factory.django.DjangoModelFactory[Activity]):
    class Meta:
        model = Activity

    type = ActivityType.CALL
    subject = factory.Sequence(lambda n: f"Llamada de seguimiento {n}")
    opportunity = factory.SubFactory(OpportunityFactory)
    client = factory.LazyAttribute(lambda a: a.opportunity.client)
    owner = factory.LazyAttribute(lambda a: a.opportunity.owner)
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))

    # Inside facts_at_end(): the activities whose facts are refreshed when it ends.
    _pending: list[Activity] | None = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Saved as the activity services save: with its opportunity's and client's
        activity facts kept (crm.services.activity_facts)."""
        activity = super()._create(model_class, *args, **kwargs)
        if cls._pending is None:
            refresh_for_activities([activity])
        else:
            cls._pending.append(activity)
        return activity

    @classmethod
    @contextmanager
    def facts_at_end(cls) -> Iterator[None]:
        """The facts of the activities created inside, kept in one refresh (one UPDATE per
        table) when the block ends rather than one per activity: the same kept values by
        then, for a fraction of the time (a refresh is the costliest part of a row)."""
        if cls._pending is not None:  # nested: the outer block refreshes
            yield
            return
        cls._pending = []
        try:
            yield
            refresh_for_activities(cls._pending)
        finally:
            cls._pending = None

    @classmethod
    def create_batch(cls, size, **kwargs):
        with cls.facts_at_end():
            return super().create_batch(size, **kwargs)
