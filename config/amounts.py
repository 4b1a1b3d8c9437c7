"""Money amounts as Venezuelans write them: 1.500.000,50 (thousands "." and decimal ",").

The one place that reads what a user typed (`parse_amount`, the rule is documented on
`config.forms.AmountField`), writes an amount in full (`format_amount`: "1.500.000,50") and
in the short form for tight places (`compact_amount`: "1,0 MM", "250 mil"). Forms, templates
(`crm.templatetags.amounts`) and the change history call these; none restates the separators,
which come from the Spanish format module.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils import numberformat
from django.utils.translation import pgettext

from config.formats.es.formats import DECIMAL_SEPARATOR, NUMBER_GROUPING, THOUSAND_SEPARATOR

_CENT = Decimal("0.01")
_SIGN = r"(?P<sign>-?)"
# Tried in order; the first that matches the whole text gives the integer and decimal digits.
_READINGS = (
    # Thousands grouped with "." (1 to 3 digits, then groups of exactly 3), optional ",cents":
    # 1.500 / 1.500.000 / 1.500.000,50
    re.compile(_SIGN + r"(?P<int>\d{1,3}(?:\.\d{3})+)(?:,(?P<dec>\d+))?"),
    # No grouping, optional ",cents": 1500000 / 1500000,50 / 1,5
    re.compile(_SIGN + r"(?P<int>\d+)(?:,(?P<dec>\d+))?"),
    # A decimal point followed by one or two digits, as a calculator or a pasted figure
    # writes it: 1500000.50 / 24000.5 (three digits after the point read as thousands above)
    re.compile(_SIGN + r"(?P<int>\d+)\.(?P<dec>\d{1,2})"),
)

# Below this an amount is short enough to show in full; from it on, in thousands or millions.
COMPACT_FROM = Decimal(10_000)
_THOUSAND = Decimal(1_000)
_MILLION = Decimal(1_000_000)


def parse_amount(text: str) -> Decimal | None:
    """The amount a user typed, or None when the text is no amount in any accepted writing.

    Decimals are kept as typed (1,500 is Decimal("1.500")), so the field can refuse more than
    two of them rather than guess."""
    text = text.strip()
    for reading in _READINGS:
        match = reading.fullmatch(text)
        if match:
            digits = match["int"].replace(".", "")
            if match["dec"]:
                digits += "." + match["dec"]
            return Decimal(match["sign"] + digits)
    return None


def _format(value: Decimal, decimal_pos: int) -> str:
    return str(
        numberformat.format(
            value,
            DECIMAL_SEPARATOR,
            decimal_pos=decimal_pos,
            grouping=NUMBER_GROUPING,
            thousand_sep=THOUSAND_SEPARATOR,
            force_grouping=True,
        )
    )


def format_amount(value: Decimal | int | float | str) -> str:
    """The amount in full with two decimals: 1500000.5 -> "1.500.000,50"."""
    return _format(Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP), 2)


def _scaled(amount: Decimal, unit: Decimal) -> tuple[Decimal, int]:
    """The amount in `unit`s, rounded, and its number of decimals: one while the figure has
    one or two digits ("1,0 MM", "12,5 mil"), none from three on ("250 mil"), so about three
    significant digits."""
    scaled = (amount / unit).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if abs(scaled) < 100:
        return scaled, 1
    return scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP), 0


def compact_amount(value: Decimal | int | float | str) -> str:
    """The amount short enough for a card or a column total, the full value being shown
    elsewhere (a tooltip, the detail page, exports): under 10.000 in full ("9.500,00"), then
    in thousands ("12,5 mil", "250 mil") and millions ("1,0 MM", "1.000 MM"), as Venezuelan
    business writing abbreviates them ("MM" for millones)."""
    amount = Decimal(value)
    if abs(amount) < COMPACT_FROM:
        return format_amount(amount)
    scaled, decimals = _scaled(amount, _THOUSAND)
    if abs(scaled) < 1000:
        template = pgettext("compact amount", "%(amount)s k")
    else:  # 999.950 and more round to a thousand thousands: say millions
        scaled, decimals = _scaled(amount, _MILLION)
        template = pgettext("compact amount", "%(amount)s M")
    return template % {"amount": _format(scaled, decimals)}
