"""Secrets in URLs are checked by shape (config.tokens) before any query or file look-up."""

import pytest

from config.tokens import is_url_token, new_url_token

pytestmark = pytest.mark.django_db


def test_a_new_token_has_the_shape_that_is_accepted():
    assert is_url_token(new_url_token())


@pytest.mark.parametrize(
    "value", ["", "nada", "\x00", "a" * 42 + "\x00", "a" * 65, "á" * 43, "a/" * 21, None, 7]
)
def test_anything_else_is_no_token(value):
    assert not is_url_token(value)


@pytest.mark.parametrize("kind", ["clientes", "contactos"])
@pytest.mark.parametrize("token", ["%00", "a" * 42 + "%00", "%2e%2e", "a" * 5000])
def test_an_import_token_of_another_shape_is_404(client_as, executive, kind, token):
    signed_in = client_as(executive)
    url = f"/crm/{kind}/importar/{token}/"
    assert signed_in.post(url).status_code == 404
    assert signed_in.get(url).status_code == 405
