"""Sharing an opportunity with a colleague ("Compartir") in "own" visibility."""

import pytest
from django.urls import reverse

from accounts.models import CompanySettings, Notification, Visibility
from accounts.roles import Role
from crm.opportunities.services import opportunity_share
from tests.factories import ClientFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_mode(db):
    settings = CompanySettings.load()
    settings.opportunity_visibility = "own"
    settings.save()


@pytest.fixture
def other_executive(db):
    # A pk above 999: the remove button's value must not get a thousands separator.
    return UserFactory(id=987654, username="ejecutivo2", roles=[Role.EXECUTIVE])


@pytest.fixture
def opportunity(executive):
    return OpportunityFactory(client=ClientFactory(owner=executive), name="Planta Norte")


def share_url(opportunity) -> str:
    return reverse("crm:opportunity_share", args=[opportunity.pk])


def detail_url(opportunity) -> str:
    return reverse("crm:opportunity_detail", args=[opportunity.pk])


def test_the_owner_sees_who_it_is_shared_with_and_the_colleagues_to_add(
    client_as, executive, other_executive, manager, opportunity
):
    colleague = UserFactory(username="ejecutivo3", first_name="Carla", roles=[Role.EXECUTIVE])
    opportunity_share(user=executive, opportunity=opportunity, colleague=colleague)
    UserFactory(username="operaciones", roles=[Role.OPERATIONS])

    response = client_as(executive).get(share_url(opportunity))

    assert response.status_code == 200
    assert response.context["shared_with"] == [colleague]
    choices = set(response.context["form"].fields["colleague"].queryset)
    assert choices == {other_executive, manager}  # commercial, not the owner, not yet shared
    page = response.content.decode()
    assert "Compartida con" in page and "Dejar de compartir" in page


def test_sharing_lets_the_colleague_see_it_and_notifies_them(
    client_as, executive, other_executive, opportunity
):
    assert client_as(other_executive).get(detail_url(opportunity)).status_code == 404

    response = client_as(executive).post(
        share_url(opportunity), {"add": "1", "colleague": other_executive.pk}
    )

    assert response.status_code == 302 and response.url == share_url(opportunity)
    assert client_as(other_executive).get(detail_url(opportunity)).status_code == 200
    assert Notification.objects.filter(recipient=other_executive).exists()


def test_unsharing_hides_it_again(client_as, executive, other_executive, opportunity):
    opportunity_share(user=executive, opportunity=opportunity, colleague=other_executive)
    page = client_as(executive).get(share_url(opportunity)).content.decode()
    assert f'name="remove" value="{other_executive.pk}"' in page
    response = client_as(executive).post(share_url(opportunity), {"remove": other_executive.pk})
    assert response.status_code == 302
    assert client_as(other_executive).get(detail_url(opportunity)).status_code == 404


def test_a_user_without_a_commercial_role_cannot_be_added(client_as, executive, opportunity):
    outsider = UserFactory(username="finanzas", roles=[Role.FINANCE])
    response = client_as(executive).post(
        share_url(opportunity), {"add": "1", "colleague": outsider.pk}
    )
    assert response.status_code == 200
    assert "Elija un colega con rol comercial." in response.content.decode()


def test_adding_without_choosing_a_colleague_says_so(client_as, executive, opportunity):
    response = client_as(executive).post(share_url(opportunity), {"add": "1", "colleague": ""})
    assert response.status_code == 200 and "Elija un colega." in response.content.decode()


def test_a_manager_can_share_any_opportunity(client_as, manager, other_executive, opportunity):
    response = client_as(manager).post(
        share_url(opportunity), {"add": "1", "colleague": other_executive.pk}
    )
    assert response.status_code == 302
    assert client_as(other_executive).get(detail_url(opportunity)).status_code == 200


def test_a_colleague_it_is_shared_with_may_not_share_it_further(
    client_as, executive, other_executive, opportunity
):
    opportunity_share(user=executive, opportunity=opportunity, colleague=other_executive)
    assert client_as(other_executive).get(share_url(opportunity)).status_code == 403
    response = client_as(other_executive).post(share_url(opportunity), {"remove": executive.pk})
    assert response.status_code == 403


def test_in_all_mode_a_colleague_who_is_not_the_owner_gets_403(
    client_as, other_executive, opportunity
):
    settings = CompanySettings.load()
    settings.opportunity_visibility = Visibility.EDIT_ALL
    settings.save()
    assert client_as(other_executive).get(share_url(opportunity)).status_code == 403


def test_an_opportunity_out_of_scope_answers_404(client_as, other_executive, opportunity):
    assert client_as(other_executive).get(share_url(opportunity)).status_code == 404


def test_users_without_a_commercial_role_are_refused(client_as, no_role_user, opportunity):
    assert client_as(no_role_user).get(share_url(opportunity)).status_code == 403


# Levels: "Ver" lets the colleague read it, "Editar" also change it ------------------------


def edit_url(opportunity) -> str:
    return reverse("crm:opportunity_edit", args=[opportunity.pk])


def test_a_view_share_lets_the_colleague_read_but_not_edit(
    client_as, executive, other_executive, opportunity
):
    client_as(executive).post(
        share_url(opportunity), {"add": "1", "colleague": other_executive.pk, "level": "view"}
    )
    colleague = client_as(other_executive)
    page = colleague.get(detail_url(opportunity))
    assert page.status_code == 200 and not page.context["can_edit"]
    assert ">Editar</a>" not in page.content.decode()
    assert colleague.get(edit_url(opportunity)).status_code == 403
    move = reverse("crm:opportunity_move", args=[opportunity.pk])
    assert colleague.post(move, {"to_stage": "qualification", "version": 1}).status_code == 403


def test_an_edit_share_lets_the_colleague_change_that_one_record(
    client_as, executive, other_executive, opportunity
):
    another = OpportunityFactory(client=opportunity.client, owner=executive)
    client_as(executive).post(
        share_url(opportunity), {"add": "1", "colleague": other_executive.pk, "level": "edit"}
    )
    colleague = client_as(other_executive)
    page = colleague.get(detail_url(opportunity))
    assert page.context["can_edit"] and page.context["can_follow_up"]
    assert colleague.get(edit_url(opportunity)).status_code == 200
    assert colleague.get(edit_url(another)).status_code == 404  # "own only": not shared


def test_in_view_all_mode_an_edit_share_is_what_lets_a_colleague_edit(
    client_as, executive, other_executive, opportunity
):
    settings = CompanySettings.load()
    settings.opportunity_visibility = Visibility.VIEW_ALL
    settings.save()
    colleague = client_as(other_executive)
    assert colleague.get(edit_url(opportunity)).status_code == 403
    page = client_as(executive).get(share_url(opportunity))
    assert page.context["form"]["level"].value() == "edit"  # the useful level by default
    client_as(executive).post(share_url(opportunity), {"add": "1", "colleague": other_executive.pk})
    assert client_as(other_executive).get(edit_url(opportunity)).status_code == 200


def test_sharing_again_changes_the_level_and_the_page_shows_it(
    client_as, executive, other_executive, opportunity
):
    opportunity_share(
        user=executive, opportunity=opportunity, colleague=other_executive, level="edit"
    )
    page = client_as(executive).get(share_url(opportunity)).content.decode()
    assert 'badge text-bg-primary">Editar</span>' in page
    opportunity_share(
        user=executive, opportunity=opportunity, colleague=other_executive, level="view"
    )
    assert client_as(other_executive).get(edit_url(opportunity)).status_code == 403
    assert client_as(other_executive).get(detail_url(opportunity)).status_code == 200
