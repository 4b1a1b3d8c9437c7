"""AmountField: amounts typed as Venezuelans write them (1.500.000,50), shown back formatted,
refused with a clear Spanish message otherwise, and what the user typed kept on error."""

from decimal import Decimal

import pytest
from django import forms

from config.forms import AmountField


class AmountForm(forms.Form):
    amount = AmountField()
    note = forms.CharField()


def clean(text: str):
    return AmountForm({"amount": text, "note": "x"})


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.500.000,50", Decimal("1500000.50")),  # Venezuelan, thousands and decimals
        ("1.500.000", Decimal("1500000")),  # Venezuelan, thousands only
        ("1.500", Decimal("1500")),  # one thousand five hundred, never one and a half
        ("150.000", Decimal("150000")),
        ("1.500,5", Decimal("1500.5")),
        ("1500000,50", Decimal("1500000.50")),  # decimal comma, no grouping
        ("1,5", Decimal("1.5")),  # one and a half
        ("1500000.50", Decimal("1500000.50")),  # a decimal point with one or two digits
        ("24000.5", Decimal("24000.5")),
        ("25000", Decimal("25000")),
        ("0", Decimal("0")),
        ("  1.500,00 ", Decimal("1500")),  # blanks around are ignored
        ("999.999.999.999,99", Decimal("999999999999.99")),  # the largest amount
    ],
)
def test_it_reads_the_accepted_ways_of_writing_an_amount(typed, amount):
    form = clean(typed)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == amount


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1,500,000", "Escriba un monto como 1.500.000,50."),  # US grouping
        ("1.500.50", "Escriba un monto como 1.500.000,50."),  # a group of two digits
        ("1500.000", "Escriba un monto como 1.500.000,50."),  # a group after four digits
        ("1,5,0", "Escriba un monto como 1.500.000,50."),
        ("mucho", "Escriba un monto como 1.500.000,50."),
        ("USD 100", "Escriba un monto como 1.500.000,50."),
        ("1,500", "Escriba como máximo dos decimales, como en 1.500.000,50."),  # 3 decimals
        ("1,505", "Escriba como máximo dos decimales, como en 1.500.000,50."),
        ("-5", "El monto no puede ser negativo."),
        ("1.000.000.000.000", "El monto es demasiado grande: como máximo 999.999.999.999,99."),
    ],
)
def test_it_refuses_anything_else_in_spanish(typed, message):
    form = clean(typed)

    assert not form.is_valid()
    assert form.errors["amount"] == [message]


def test_it_is_a_text_box_with_the_decimal_keypad():
    html = str(AmountForm()["amount"])

    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html
    assert "step=" not in html and 'type="number"' not in html


def test_an_unbound_form_shows_the_saved_amount_formatted():
    form = AmountForm(initial={"amount": Decimal("1500000.50")})

    assert 'value="1.500.000,50"' in str(form["amount"])


def test_a_bound_form_shows_a_valid_amount_formatted_as_it_was_read():
    form = AmountForm({"amount": "1500000.5", "note": ""})  # the error is on another field

    assert not form.is_valid()
    assert 'value="1.500.000,50"' in str(form["amount"])


@pytest.mark.parametrize("typed", ["1,500,000", "1,505", "-5", "mucho"])
def test_a_refused_amount_shows_exactly_what_the_user_typed(typed):
    form = clean(typed)

    assert not form.is_valid()
    assert f'value="{typed}"' in str(form["amount"])


def test_it_is_optional_where_the_form_says_so():
    field = AmountField(required=False)

    assert field.clean("") is None
