"""Amounts written in full ("1.500.000,50") and compact ("USD 1,0 MM") for tight places."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from config.amounts import compact_amount, format_amount


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1500000.5"), "1.500.000,50"),
        (Decimal("27500.00"), "27.500,00"),
        (Decimal("0"), "0,00"),
        (Decimal("700.105"), "700,11"),  # rounded, not cut
        (28000, "28.000,00"),
    ],
)
def test_it_writes_an_amount_in_full_the_venezuelan_way(value, text):
    assert format_amount(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("950"), "950,00"),  # short enough in full
        (Decimal("9999.99"), "9.999,99"),
        (Decimal("10000"), "10,0 mil"),
        (Decimal("12500"), "12,5 mil"),
        (Decimal("106000"), "106 mil"),
        (Decimal("250000"), "250 mil"),
        (Decimal("999949"), "1,0 MM"),  # 999,9 mil rounds up to a thousand: millions
        (Decimal("1000000"), "1,0 MM"),
        (Decimal("2550000"), "2,6 MM"),
        (Decimal("150000000"), "150 MM"),
        (Decimal("1000000000"), "1.000 MM"),
        (Decimal("999999999999.99"), "1.000.000 MM"),
    ],
)
def test_it_writes_large_amounts_in_thousands_and_millions(value, text):
    assert compact_amount(value) == text


def render(source: str, **context) -> str:
    return Template("{% load amounts %}" + source).render(Context(context)).strip()


def test_the_compact_tag_keeps_the_full_value_in_a_tooltip_and_does_not_wrap():
    html = render(
        "{% compact_amount value currency %}", value=Decimal("1000000000"), currency="USD"
    )

    assert html == ('<span class="amount-compact" title="USD 1.000.000.000,00">USD 1.000 MM</span>')


def test_the_compact_tag_without_currency_or_amount():
    assert render("{% compact_amount value %}", value=Decimal("250000")) == (
        '<span class="amount-compact" title="250.000,00">250 mil</span>'
    )
    assert render("{% compact_amount value %}", value=None) == "—"


def test_the_amount_filter_writes_the_full_value():
    assert render("{{ value|amount }}", value=Decimal("27500")) == "27.500,00"
    assert render("{{ value|amount }}", value=None) == ""
