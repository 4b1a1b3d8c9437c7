"""Phone numbers: parsed with Google's libphonenumber, Venezuela as the default country."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "VE"
# What a phone may carry besides digits: "+58 (212) 555-01.01".
PHONE_SEPARATORS = (" ", "-", "+", "(", ")", ".")
# A shorter national number would match too many unrelated phones by its last digits.
MIN_NATIONAL_DIGITS = 7


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
    """The digits of a phone and nothing else ("+58 414-1234567" -> "584141234567"): what the
    search text stores and what a searched phone is reduced to (crm.search.phone_digits)."""
    return "".join(ch for ch in value if ch.isdigit())


def national_digits(phone: str) -> str:
    """The national significant number ("2125550101"), so "+58 212…" and "0212…" match
    (crm.duplicates); blank when it is not a phone or too short to tell."""
    try:
        number = phonenumbers.parse(phone or "", DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return ""
    digits = phonenumbers.national_significant_number(number)
    return digits if len(digits) >= MIN_NATIONAL_DIGITS else ""
