"""Fusionar clientes: every related row moves to the survivor, in one transaction."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from guardian.shortcuts import assign_perm

from crm.models import ChangeRecord, Client, ClientUserObjectPermission, Contact
from crm.services import client_delete, client_restore, client_update
from crm.services.client_merge import MERGED, SURVIVOR, MergeInput, client_merge, related_rows
from crm.services.complaints import complaint_create
from tests.documents.files import make_document
from tests.factories import (
    ActivityFactory,
    ClientFactory,
    ContactFactory,
    OpportunityFactory,
    ProjectFactory,
    UserFactory,
    valid_rif,
)

pytestmark = pytest.mark.django_db


def _populated(owner, *, name: str, rif: int, colleague, other_colleague):
    client = ClientFactory.create(owner=owner, name=name, tax_id=valid_rif(rif), phone="")
    ContactFactory.create(client=client, is_primary=True)
    ContactFactory.create(client=client)
    deleted = ContactFactory.create(client=client)
    deleted.deleted_at = deleted.created_at
    deleted.save()
    opportunity = OpportunityFactory.create(client=client, owner=owner)
    ActivityFactory.create(client=client, opportunity=opportunity, owner=owner)
    ActivityFactory.create(client=client, owner=owner)
    complaint_create(
        user=owner,
        client=client,
        data={"subject": "Demora", "description": "Llegó tarde.", "area": "operations"},
    )
    make_document(owner, client=client, title=f"Contrato {name}")
    ProjectFactory.create(client=client)
    assign_perm("crm.view_client", colleague, client)
    assign_perm("crm.view_client", other_colleague, client)
    client_update(user=owner, client_id=client.pk, expected_version=client.version, data={})
    return Client.objects.get(pk=client.pk)


@pytest.fixture
def pair(executive, other_executive, private_storage):
    colleague = UserFactory.create(roles=["Ejecutivo Comercial"])
    survivor = _populated(
        executive,
        name="Petróleos del Sur, C.A.",
        rif=40000001,
        colleague=colleague,
        other_colleague=other_executive,
    )
    merged = _populated(
        other_executive,
        name="Petroleos del Sur C.A.",
        rif=40000002,
        colleague=colleague,
        other_colleague=executive,
    )
    merged.email = "ventas@petrosur.com.ve"
    merged.save()
    return survivor, merged


def _merge(user, survivor, merged, **choices):
    return client_merge(
        user=user,
        merge=MergeInput(
            survivor_id=survivor.pk,
            survivor_version=Client.all_objects.get(pk=survivor.pk).version,
            merged_id=merged.pk,
            merged_version=Client.all_objects.get(pk=merged.pk).version,
            choices=choices,
        ),
    )


def test_every_related_row_moves_and_none_is_lost(manager, pair):
    survivor, merged = pair
    before = {
        model: count + related_rows(merged)[model]
        for model, count in related_rows(survivor).items()
    }
    assert all(before[model] for model in (Contact, ChangeRecord))
    # A colleague both clients were shared with keeps one grant (the duplicate goes).
    duplicate_grants = 1

    result = _merge(manager, survivor, merged, tax_id=MERGED, email=MERGED, name=SURVIVOR)

    after = related_rows(result)
    merge_history = ChangeRecord.objects.filter(client=result, changed_by=manager).count()
    for model, count in before.items():
        expected = count
        if model is ChangeRecord:
            expected += merge_history
        if model is ClientUserObjectPermission:
            expected -= duplicate_grants
        if model is Client:  # the merged-away client now points at the survivor
            expected += 1
        assert after[model] == expected, model
    assert all(count == 0 for count in related_rows(merged).values())


def test_the_survivor_keeps_the_chosen_values_and_one_primary_contact(manager, pair):
    survivor, merged = pair
    result = _merge(manager, survivor, merged, tax_id=MERGED, email=MERGED)
    assert result.name == "Petróleos del Sur, C.A."
    assert result.tax_id == merged.tax_id
    assert result.email == "ventas@petrosur.com.ve"
    assert Contact.objects.filter(client=result, is_primary=True).count() == 1
    assert Contact.objects.filter(client=result).count() == 4


def test_the_merged_client_is_in_the_bin_pointing_at_the_survivor_and_stays_there(manager, pair):
    survivor, merged = pair
    _merge(manager, survivor, merged)
    gone = Client.all_objects.get(pk=merged.pk)
    assert gone.is_deleted
    assert gone.merged_into_id == survivor.pk
    with pytest.raises(ValidationError, match=r"merged into|se fusionó con"):
        client_restore(user=manager, client_id=merged.pk)
    assert ChangeRecord.objects.filter(
        client=survivor, action=ChangeRecord.Action.MERGED, object_id=merged.pk
    ).exists()


def test_only_a_manager_merges(executive, pair):
    survivor, merged = pair
    with pytest.raises(PermissionDenied):
        _merge(executive, survivor, merged)
    assert not Client.all_objects.get(pk=merged.pk).is_deleted


def test_a_stale_merge_is_refused_and_changes_nothing(manager, pair):
    from crm.concurrency import StaleVersionError

    survivor, merged = pair
    stale = MergeInput(
        survivor_id=survivor.pk,
        survivor_version=survivor.version,
        merged_id=merged.pk,
        merged_version=merged.version - 1,
        choices={},
    )
    with pytest.raises(StaleVersionError):
        client_merge(user=manager, merge=stale)
    assert not Client.all_objects.get(pk=merged.pk).is_deleted


def test_a_client_cannot_be_merged_with_itself_or_one_in_the_bin(manager, pair):
    survivor, _merged = pair
    with pytest.raises(ValidationError):
        _merge(manager, survivor, survivor)
    client_delete(user=manager, client_id=ClientFactory.create(owner=survivor.owner).pk)
    deleted = Client.all_objects.filter(deleted_at__isnull=False).first()
    with pytest.raises(ValidationError, match=r"recycle bin|papelera"):
        _merge(manager, survivor, deleted)


def test_the_pages_pick_compare_and_merge(client, manager, pair):
    survivor, merged = pair
    client.force_login(manager)
    page = client.get(reverse("crm:client_detail", args=[survivor.pk]))
    assert reverse("crm:client_merge", args=[survivor.pk]) in page.content.decode()
    picker = client.get(reverse("crm:client_merge", args=[survivor.pk]))
    assert merged.name in picker.content.decode()  # a likely duplicate (same name key)
    found = client.get(reverse("crm:client_merge", args=[survivor.pk]), {"q": merged.tax_id})
    assert f"?con={merged.pk}" in found.content.decode()

    url = reverse("crm:client_merge", args=[survivor.pk]) + f"?con={merged.pk}"
    compare = client.get(url)
    text = compare.content.decode()
    assert "ventas@petrosur.com.ve" in text and merged.tax_id in text
    form = compare.context["form"]
    data = {
        "con": merged.pk,
        "survivor_version": form["survivor_version"].value(),
        "merged_version": form["merged_version"].value(),
        **{bound.name: bound.value() for bound in form.differences},
    }
    data["email"] = MERGED
    response = client.post(url, data)
    assert response.status_code == 302
    assert Client.objects.get(pk=survivor.pk).email == "ventas@petrosur.com.ve"
    assert Client.all_objects.get(pk=merged.pk).merged_into_id == survivor.pk


def test_a_bad_choice_is_refused_with_a_message_and_nothing_moves(client, manager, pair):
    survivor, merged = pair
    client.force_login(manager)
    url = reverse("crm:client_merge", args=[survivor.pk]) + f"?con={merged.pk}"
    response = client.post(
        url, {"con": merged.pk, "survivor_version": survivor.version, "merged_version": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Client.all_objects.get(pk=merged.pk).is_deleted


def test_executives_get_403_and_no_merge_button(client, executive, pair):
    survivor, _merged = pair
    client.force_login(executive)
    assert client.get(reverse("crm:client_merge", args=[survivor.pk])).status_code == 403
    page = client.get(reverse("crm:client_detail", args=[survivor.pk])).content.decode()
    assert reverse("crm:client_merge", args=[survivor.pk]) not in page
