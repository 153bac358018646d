import pytest

from domain.money import Money, decimal_text, exponent, is_currency, parse_amount


def test_arithmetic_keeps_currency_and_integers():
    assert Money(1050, "EUR") + Money(250, "EUR") == Money(1300, "EUR")
    assert Money(1050, "EUR") * 3 == Money(3150, "EUR")
    with pytest.raises(ValueError):
        Money(1, "EUR") + Money(1, "USD")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        Money(10.5, "EUR")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "amount, bp, expected",
    [(1000, 1000, 100), (999, 1000, 100), (995, 1000, 100), (994, 1000, 99), (1, 5000, 1), (333, 3333, 111)],
)
def test_percent_rounds_half_up(amount, bp, expected):
    assert Money(amount, "EUR").percent(bp).amount == expected


def test_included_vat():
    # 10.70 gross at 7% contains 0.70 VAT.
    assert Money(1070, "EUR").included_vat(700) == Money(70, "EUR")
    assert Money(1190, "EUR").included_vat(1900) == Money(190, "EUR")
    assert Money(0, "EUR").included_vat(700) == Money(0, "EUR")


@pytest.mark.parametrize(
    "text, currency, minor",
    [("12.50", "EUR", 1250), ("12", "EUR", 1200), ("0.5", "EUR", 50), (7, "EUR", 700), ("-3.10", "EUR", -310),
     # JPY has no minor unit, KWD and BHD have thousandths (CLDR through Babel).
     ("1500", "JPY", 1500), (1500, "JPY", 1500), ("1.5", "KWD", 1500), ("0.125", "BHD", 125), ("12.345", "KWD", 12345)],
)
def test_parse_amount_by_the_currency_exponent(text, currency, minor):
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize(
    "text, currency",
    [("12.505", "EUR"), ("abc", "EUR"), ("1,50", "EUR"), ("", "EUR"), ("1.2.3", "EUR"), ("1e3", "EUR"),
     ("²", "EUR"), ("1.²", "EUR"), ("--1", "EUR"), ("9" * 40, "EUR"), ("15.5", "JPY"), ("1.0001", "KWD")],
)
def test_parse_amount_refuses(text, currency):
    with pytest.raises(ValueError):
        parse_amount(text, currency)


def test_format_by_the_currency_exponent():
    assert Money(1250, "EUR").format() == "12.50 EUR"
    assert Money(-5, "EUR").format() == "-0.05 EUR"
    assert Money(1500, "JPY").format() == "1500 JPY"  # not 15.00 JPY
    assert Money(1500, "KWD").format() == "1.500 KWD"  # not 15.00 KWD
    assert decimal_text(-1, "BHD") == "-0.001"


def test_exponents_and_codes():
    assert [exponent(c) for c in ("EUR", "USD", "JPY", "KRW", "KWD", "BHD")] == [2, 2, 0, 0, 3, 3]
    assert is_currency("EUR") and is_currency("KWD") and not is_currency("XYZ") and not is_currency("eur")
