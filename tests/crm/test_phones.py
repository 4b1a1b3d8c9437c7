import pytest
from django.core.exceptions import ValidationError

from crm.phones import normalize_phone, phone_key


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0212-555-0101", "+58 212-5550101"),
        ("04141234567", "+58 414-1234567"),
        ("+58 414 123 4567", "+58 414-1234567"),
        ("+57 601 2345678", "+57 601 2345678"),
        ("", ""),
    ],
)
def test_phones_are_stored_in_international_format(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["123", "abc", "0212-55", "+58 999 000"])
def test_impossible_phones_are_refused_in_spanish(typed):
    with pytest.raises(ValidationError) as error:
        normalize_phone(typed)
    assert "teléfono" in str(error.value.messages[0]).lower()


def test_phone_key_keeps_only_digits():
    assert phone_key("+58 414-1234567") == "584141234567"
