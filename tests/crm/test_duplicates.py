"""crm.duplicates.likely_duplicates: what looks like the client being entered."""

import pytest
from django.utils import timezone

from accounts.models import CompanySettings, Visibility
from accounts.roles import is_manager
from crm.duplicates import email_domain, likely_duplicates, national_digits
from tests.factories import ClientFactory, valid_rif

NOTHING = {"name": "", "tax_id": "", "email": "", "phone": ""}


def found(user, **given):
    return list(likely_duplicates(user=user, **{**NOTHING, **given}))


def test_it_finds_the_same_name_without_accents_case_or_legal_suffix(executive):
    same = ClientFactory(name="Alimentos La Sabana, C.A.")
    ClientFactory(name="Alimentos La Sabanita")

    [duplicate] = found(executive, name="ALIMENTOS LA SÁBANA")

    assert duplicate == same
    assert duplicate.same_name
    assert not (duplicate.same_tax_id or duplicate.same_email_domain or duplicate.same_phone)


def test_it_finds_the_same_rif(executive):
    same = ClientFactory(tax_id=valid_rif(31234567))

    [duplicate] = found(executive, tax_id=valid_rif(31234567))

    assert duplicate == same
    assert duplicate.same_tax_id


def test_it_finds_the_same_company_email_domain(executive):
    same = ClientFactory(email="Ventas@LaSabana.com.ve")
    ClientFactory(email="ventas@otra.com.ve")

    [duplicate] = found(executive, email="compras@lasabana.com.ve")

    assert duplicate == same
    assert duplicate.same_email_domain


@pytest.mark.parametrize(
    "free", ["gmail.com", "hotmail.com", "yahoo.com", "outlook.com", "GMAIL.COM"]
)
def test_it_ignores_free_mail_domains(executive, free):
    ClientFactory(email=f"alguien@{free.lower()}")

    assert found(executive, email=f"otra.persona@{free}") == []
    assert email_domain(f"x@{free}") == ""


@pytest.mark.parametrize("stored", ["+58 212-5550101", "0212-5550101", "(0212) 555.01.01"])
def test_it_finds_the_same_phone_whatever_its_punctuation(executive, stored):
    same = ClientFactory(phone=stored)
    ClientFactory(phone="+58 212-5550199")

    [duplicate] = found(executive, phone="+58 212-5550101")

    assert duplicate == same
    assert duplicate.same_phone


def test_a_too_short_phone_matches_nothing(executive):
    ClientFactory(phone="+58 212-5550101")

    assert national_digits("0101") == ""
    assert found(executive, phone="0101") == []


def test_it_says_every_reason_a_client_matched(executive):
    ClientFactory(
        name="Cementos Caribe",
        tax_id=valid_rif(31234567),
        email="info@caribe.com",
        phone="+58 212-5550101",
    )

    [duplicate] = found(
        executive,
        name="Cementos Caribe S.A.",
        tax_id=valid_rif(31234567),
        email="ventas@caribe.com",
        phone="0212 555 0101",
    )

    assert duplicate.same_name
    assert duplicate.same_tax_id
    assert duplicate.same_email_domain
    assert duplicate.same_phone


def test_it_ignores_clients_in_the_recycle_bin(executive):
    ClientFactory(name="Cementos Caribe", deleted_at=timezone.now())

    assert found(executive, name="Cementos Caribe") == []


def test_it_does_not_reveal_clients_out_of_the_users_scope(executive, other_executive):
    CompanySettings.objects.update_or_create(pk=1, defaults={"client_visibility": Visibility.OWN})
    ClientFactory(name="Cementos Caribe", owner=other_executive)
    mine = ClientFactory(name="Cementos Caribe", owner=executive)

    assert found(executive, name="Cementos Caribe") == [mine]


def test_it_leaves_out_the_client_being_edited(executive):
    edited = ClientFactory(name="Cementos Caribe")

    assert list(likely_duplicates(user=executive, **{**NOTHING, "name": "Cementos Caribe"}))
    assert (
        list(
            likely_duplicates(
                user=executive, **{**NOTHING, "name": "Cementos Caribe"}, exclude_pk=edited.pk
            )
        )
        == []
    )


def test_nothing_entered_finds_nothing(executive):
    ClientFactory(name="Cementos Caribe", email="", phone="")

    assert found(executive) == []


@pytest.mark.parametrize("matching", [1, 50])
def test_it_looks_up_in_one_query_however_many_match(manager, django_assert_num_queries, matching):
    for _ in range(matching):
        ClientFactory(name="Cementos Caribe", email="x@caribe.com")
    is_manager(manager)  # the user's roles are read once per request, before any lookup

    with django_assert_num_queries(1):
        duplicates = found(manager, name="Cementos Caribe", email="y@caribe.com")
        names = [(d.name, d.owner.username) for d in duplicates]

    assert len(names) == min(matching, 10)
