"""Venezuelan RIF and Colombian NIT: validation and the one stored form of each.

python-stdnum checks the digits (`stdnum.ve.rif`, `stdnum.co.nit`). It does not know the
"C" prefix that SENIAT gives communal entities (consejos comunales); those are checked with
the same modulo-11 weights and the company type value (an assumption documented here, the
same one other public validators make).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.co import nit
from stdnum.ve import rif

RIF_PREFIXES = "VEJPGC"
_COMMUNAL_AS = "J"


def normalize_tax_id(value: str) -> str:
    """Return the stored form (`J-12345678-9` or `900.123.456-8`) or raise ValidationError."""
    raw = (value or "").strip().upper()
    compact = raw.replace("-", "").replace(".", "").replace(" ", "")
    if not compact:
        raise ValidationError(_("Enter the RIF or NIT."), code="required")
    if compact[0].isalpha():
        return _normalize_rif(compact)
    if compact.isdigit():
        return _normalize_nit(compact)
    raise ValidationError(
        _("A RIF starts with V, E, J, P, G or C; a NIT has only digits."), code="format"
    )


def _normalize_rif(compact: str) -> str:
    prefix = compact[0]
    if prefix not in RIF_PREFIXES:
        raise ValidationError(
            _("The RIF must start with V, E, J, P, G or C, not %(prefix)s."),
            code="prefix",
            params={"prefix": prefix},
        )
    digits = compact[1:]
    if not digits.isdigit():
        raise ValidationError(_("After the letter a RIF has only digits."), code="format")
    if len(digits) != 9:
        raise ValidationError(
            _("A RIF has a letter, 8 digits and a check digit (e.g. J-12345678-9)."),
            code="length",
        )
    checked = (_COMMUNAL_AS if prefix == "C" else prefix) + digits
    if rif.calc_check_digit(checked) != digits[-1]:
        raise ValidationError(
            _("The check digit of this RIF is wrong. Check the number on the RIF certificate."),
            code="checksum",
        )
    return f"{prefix}-{digits[:8]}-{digits[8]}"


def _normalize_nit(compact: str) -> str:
    try:
        number = nit.validate(compact)
    except stdnum_errors.InvalidChecksum as exc:
        raise ValidationError(
            _("The check digit (DV) of this NIT is wrong."), code="checksum"
        ) from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(
            _("A NIT has 8 to 15 digits followed by its check digit (e.g. 900.123.456-8)."),
            code="length",
        ) from exc
    return nit.format(number)


def rif_with_check_digit(prefix: str, number: int) -> str:
    """Build a valid RIF from its prefix and 8-digit number (demo data and tests)."""
    body = f"{number:08d}"
    checked = (_COMMUNAL_AS if prefix == "C" else prefix) + body
    return f"{prefix}-{body}-{rif.calc_check_digit(checked)}"
