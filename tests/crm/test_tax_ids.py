import pytest
from django.core.exceptions import ValidationError

from crm.tax_ids import normalize_tax_id, rif_with_check_digit


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        # python-stdnum's documented example of a valid RIF.
        ("V-11470283-4", "V-11470283-4"),
        ("v114702834", "V-11470283-4"),
        ("V 11470283 4", "V-11470283-4"),
        (rif_with_check_digit("J", 31245678), rif_with_check_digit("J", 31245678)),
        (rif_with_check_digit("G", 20001234).replace("-", ""), rif_with_check_digit("G", 20001234)),
        (rif_with_check_digit("C", 123456), rif_with_check_digit("C", 123456)),
        # Colombian NIT with its DIAN check digit.
        ("900.123.456-8", "900.123.456-8"),
        ("9001234568", "900.123.456-8"),
        ("8600123361", "860.012.336-1"),
    ],
)
def test_valid_tax_ids_are_stored_normalised(typed, stored):
    assert normalize_tax_id(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code", "message"),
    [
        ("V-11470283-3", "checksum", "dígito verificador"),
        ("J-31245678-9", "checksum", "dígito verificador"),
        ("X-12345678-9", "prefix", "debe comenzar"),
        ("J-1234567-8", "length", "8 dígitos"),
        ("J-1234A678-9", "format", "solo dígitos"),
        ("900.123.456-7", "checksum", "NIT"),
        ("12", "length", "NIT"),
        ("", "required", "RIF o NIT"),
        ("J#$%", "format", "solo dígitos"),
    ],
)
def test_wrong_tax_ids_are_refused_with_a_spanish_message(typed, code, message):
    with pytest.raises(ValidationError) as error:
        normalize_tax_id(typed)
    assert error.value.code == code
    assert message in str(error.value.messages[0])
