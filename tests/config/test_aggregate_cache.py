"""config.aggregate_cache: the board's and the list's totals and the lists' counts are read
from the cache until a table they read is written, and then computed again: after every
kind of write (services, bulk updates, raw SQL, another connection's commit) the cached
figures equal a fresh aggregate. Transactional tests: outside a transaction is where the
cache is used (and where the triggers' tokens change at commit)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from accounts.models import CompanySettings, Visibility
from accounts.roles import Role
from config.aggregate_cache import cached, table_versions
from config.pagination import KeysFirstPaginator
from crm.models import Client, Opportunity, ProductService, Stage
from crm.opportunities.filters import BoardFilter
from crm.opportunities.selectors.board import _sums_by_probability, sums_by_probability
from crm.opportunities.selectors.visibility import opportunities_visible_to
from crm.opportunities.services import (
    LostDetails,
    WonDetails,
    opportunity_delete,
    opportunity_move_stage,
    opportunity_restore,
    opportunity_share,
    opportunity_update,
)
from crm.services import client_delete
from crm.services.clients import client_restore
from tests.factories import ClientFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    executive = UserFactory.create(username="ejecutiva", roles=[Role.EXECUTIVE])
    colleague = UserFactory.create(username="colega", roles=[Role.EXECUTIVE])
    manager = UserFactory.create(username="gerente", roles=[Role.MANAGER])
    client = ClientFactory.create(owner=executive)
    opportunities = [
        OpportunityFactory.create(
            client=client,
            estimated_value=Decimal(1000 * n),
            bant_budget=True,
            bant_authority=True,
            bant_need=True,
            bant_timeline=True,
        )
        for n in range(1, 4)
    ]
    other = OpportunityFactory.create(client=ClientFactory.create(owner=colleague))
    return {
        "executive": executive,
        "colleague": colleague,
        "manager": manager,
        "client": client,
        "opportunities": opportunities,
        "other": other,
    }


def figures(user):
    """(cached totals, fresh totals, cached count, fresh count) of the user's opportunities."""
    rows = opportunities_visible_to(user=user)
    paginator = KeysFirstPaginator(rows.order_by("pk"), 25)
    return (
        sums_by_probability(rows, "stage"),
        _sums_by_probability(rows, ("stage",), "USD"),
        paginator.count,
        rows.count(),
    )


def assert_fresh(user):
    cached_totals, fresh_totals, cached_count, fresh_count = figures(user)
    assert cached_totals == fresh_totals
    assert cached_count == fresh_count


def reload(opportunity):
    return Opportunity.objects.get(pk=opportunity.pk)


def test_a_second_read_without_writes_is_the_versions_query_only(world, django_assert_num_queries):
    rows = opportunities_visible_to(user=world["manager"])
    first = sums_by_probability(rows, "stage")
    with django_assert_num_queries(1):  # the tables' versions, no aggregate
        assert sums_by_probability(rows, "stage") == first
    assert first[Stage.PROSPECTING][0] == 4


WRITES = {
    "update by the service": lambda w: opportunity_update(
        user=w["executive"],
        opportunity_id=w["opportunities"][0].pk,
        expected_version=w["opportunities"][0].version,
        data={"estimated_value": Decimal("5555.00")},
    ),
    "won": lambda w: opportunity_move_stage(
        user=w["executive"],
        opportunity_id=w["opportunities"][1].pk,
        expected_version=reload(w["opportunities"][1]).version,
        to_stage=Stage.WON,
        won=WonDetails(
            actual_value=Decimal("900"), closed_on=timezone.localdate(), agreed_terms="30 días"
        ),
    ),
    "lost": lambda w: opportunity_move_stage(
        user=w["executive"],
        opportunity_id=w["opportunities"][2].pk,
        expected_version=reload(w["opportunities"][2]).version,
        to_stage=Stage.LOST,
        lost=LostDetails(loss_reason="price"),
    ),
    "deleted, then restored": lambda w: (
        opportunity_delete(user=w["executive"], opportunity_id=w["opportunities"][0].pk),
        assert_fresh(w["executive"]),
        opportunity_restore(user=w["executive"], opportunity_id=w["opportunities"][0].pk),
    ),
    "client deleted, then restored": lambda w: (
        client_delete(user=w["executive"], client_id=w["client"].pk),
        assert_fresh(w["executive"]),
        client_restore(user=w["manager"], client_id=w["client"].pk),
    ),
    "created by a factory": lambda w: OpportunityFactory.create(client=w["client"]),
    "bulk update": lambda w: Opportunity.objects.update(probability=50),
    "raw SQL": lambda w: connection.cursor().execute(
        "UPDATE crm_opportunity SET estimated_value = estimated_value * 2"
    ),
    "client owner changed": lambda w: Client.objects.update(owner=w["colleague"]),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_after_every_kind_of_write_the_figures_are_fresh(world, write):
    for user in (world["executive"], world["manager"]):
        assert_fresh(user)  # now cached
    write(world)
    for user in (world["executive"], world["manager"]):
        assert_fresh(user)


def test_own_visibility_a_share_shows_at_once(world):
    settings = CompanySettings.load()
    settings.opportunity_visibility = Visibility.OWN
    settings.save()
    colleague = world["colleague"]
    assert figures(colleague)[2] == 1
    opportunity_share(
        user=world["executive"], opportunity=world["opportunities"][0], colleague=colleague
    )
    assert figures(colleague)[2] == 2
    assert_fresh(colleague)


def test_nothing_is_cached_inside_a_transaction(world, django_assert_num_queries):
    rows = opportunities_visible_to(user=world["manager"])
    sums_by_probability(rows, "stage")
    with transaction.atomic():
        Opportunity.objects.filter(pk=world["other"].pk).update(estimated_value=Decimal("1"))
        # The triggers change the tokens at COMMIT: the cached figure would be old here.
        assert sums_by_probability(rows, "stage") == _sums_by_probability(rows, ("stage",), "USD")


def test_a_table_without_a_version_is_never_cached(world):
    rows = ProductService.objects.all()
    assert table_versions(rows.db, ["crm_productservice"]) is None
    calls = []
    for _ in range(2):
        cached(rows, lambda: calls.append(1), tag="test")
    assert len(calls) == 2


def test_rows_that_match_nothing_are_counted_without_a_query(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert KeysFirstPaginator(Opportunity.objects.none(), 25).count == 0


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_another_connections_write_counts_once_committed(world):
    """The token changes in the writer's COMMIT: while it is open, readers keep the figure
    they may see; the first read after it computes again."""
    rows = opportunities_visible_to(user=world["manager"])
    before = sums_by_probability(rows, "stage")
    written, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                Opportunity.objects.filter(pk=world["other"].pk).update(
                    estimated_value=Decimal("123456.00")
                )
                written.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    assert written.wait(10)
    assert sums_by_probability(rows, "stage") == before  # not committed: not visible yet
    release.set()
    thread.join(10)
    after = sums_by_probability(rows, "stage")
    assert after != before
    assert after == _sums_by_probability(rows, ("stage",), "USD")


def owner_choices() -> list[str]:
    return [str(label) for _, label in BoardFilter({}).form.fields["owner"].choices][1:]


def test_a_filter_s_model_choices_come_from_the_cache_until_their_tables_are_written(
    world, django_assert_num_queries
):
    before = owner_choices()
    with django_assert_num_queries(1):  # the tables' versions only: no user query
        assert owner_choices() == before

    newcomer = UserFactory.create(
        username="nuevo", first_name="Zoe", last_name="Nueva", roles=[Role.EXECUTIVE]
    )
    assert sorted(owner_choices()) == sorted([*before, "Zoe Nueva"])

    newcomer.is_active = False
    newcomer.save()
    assert owner_choices() == before
