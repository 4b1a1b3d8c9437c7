"""Phone numbers: parsed with Google's libphonenumber, Venezuela as the default country."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "VE"


def normalize_phone(value: str) -> str:
    """Return the number in international format (`+58 414-1234567`) or raise ValidationError.

    Blank stays blank: phones are optional wherever they appear.
    """
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Enter a phone number such as 0212-555-0101 or +58 414 123 4567."), code="invalid"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("This phone number does not exist. Check the area code and the digits."),
            code="invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_key(value: str) -> str:
    """Digits only, for duplicate detection."""
    return "".join(ch for ch in value if ch.isdigit())
