"""factory_boy factories shared by the test suite."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.db import connection
from django.db.transaction import Atomic
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


# The user UserFactory._get_or_create has just inserted (not fetched), for the roles hook.
_inserted: list[User] = []


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

    @classmethod
    def _get_or_create(cls, model_class, *args, **kwargs):
        """The user of that username if there is one, else a new one: what get_or_create
        does, without the savepoint it wraps around the INSERT (two of its four queries),
        which only guards against another connection inserting the same username between
        its SELECT and its INSERT."""
        manager = cls._get_manager(model_class)
        try:
            return manager.get(username=kwargs["username"])
        except model_class.DoesNotExist:
            user = manager.create(*args, **kwargs)
            _inserted.append(user)
            return user

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        inserted = any(user is self for user in _inserted)
        _inserted.clear()
        if not (create and extracted):
            return
        names = [Role(role).value for role in extracted]
        if inserted:  # no groups yet: one INSERT of its rows
            self.groups.add(*group_ids(names))
        else:  # an existing user's roles become these, as before
            self.groups.set(Group.objects.filter(name__in=names))


# The ids of the role groups by name, read once per test (tests/conftest.py forgets them after
# each one: a transactional test's flush recreates the groups under new ids).
_GROUP_IDS: dict[str, int] = {}


def group_ids(names: list[str]) -> list[int]:
    if missing := [name for name in names if name not in _GROUP_IDS]:
        _GROUP_IDS.update(Group.objects.filter(name__in=missing).values_list("name", "id"))
    return [_GROUP_IDS[name] for name in names if name in _GROUP_IDS]


# The owner of every record a test builds without naming one: one executive (django_get_or_create
# on the username) rather than a new user with groups per row.
DEFAULT_OWNER = {"username": "propietario", "roles": [Role.EXECUTIVE]}

# That owner's row as the first record without an owner made or read it, and the atomic blocks
# (and their savepoints) open then: see default_owner.
OWNER_FIELDS = [field.attname for field in User._meta.concrete_fields]
_default_owner: tuple[list[Atomic], list[str], tuple[object, ...]] | None = None


def default_owner() -> User:
    """The default owner: made or read with its roles once, then a new instance of the same
    row for each further record (what a fresh read gives) without a query. The row is reused
    only while every atomic block open when it was read is still open, with the same
    savepoints: within one test (pytest-django runs each in an atomic block of its own, so
    a rollback of the test, or of a block inside it, makes the next record read it again);
    in autocommit (a transactional test) it is read every time, as before."""
    global _default_owner
    blocks, savepoints = list(connection.atomic_blocks), list(connection.savepoint_ids)
    if _default_owner is not None:
        made_blocks, made_savepoints, values = _default_owner
        depth = len(made_blocks)
        if (
            len(blocks) >= depth
            and all(block is made for block, made in zip(blocks, made_blocks, strict=False))
            and savepoints[: len(made_savepoints)] == made_savepoints
        ):
            return User.from_db(connection.alias, OWNER_FIELDS, values)
    owner = UserFactory.create(**DEFAULT_OWNER)
    _default_owner = None
    if blocks:
        values = tuple(getattr(owner, field) for field in OWNER_FIELDS)
        _default_owner = (blocks, savepoints, values)
    return owner


class DefaultOwner(factory.SubFactory):
    """SubFactory(UserFactory, **DEFAULT_OWNER), whose created owner comes from default_owner():
    about three queries less per record. An owner given in parts (owner__...=) or built
    without saving (the build strategy) goes through UserFactory as before."""

    def __init__(self) -> None:
        super().__init__(UserFactory, **DEFAULT_OWNER)

    def evaluate(self, instance, step, extra):
        if step.builder.strategy == factory.enums.CREATE_STRATEGY and extra == DEFAULT_OWNER:
            return default_owner()
        return super().evaluate(instance, step, extra)


def forget_test_state() -> None:
    """What the factories remember within a test (tests/conftest.py calls it around each)."""
    global _default_owner
    _default_owner = None
    _GROUP_IDS.clear()


class ClientFactory(factory.django.DjangoModelFactory[Client]):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Empresa Demo {n}, C.A.")
    tax_id = factory.Sequence(lambda n: valid_rif(30000000 + n))
    segment = "B"
    owner = DefaultOwner()


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
