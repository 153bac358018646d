import pytest

from domain.money import Money, parse_amount


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


@pytest.mark.parametrize("text, cents", [("12.50", 1250), ("12", 1200), ("0.5", 50), (700, 700), ("-3.10", -310)])
def test_parse_amount(text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize("text", ["12.505", "abc", "1,50", "", "1.2.3"])
def test_parse_amount_refuses(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_format():
    assert Money(1250, "EUR").format() == "12.50 EUR"
    assert Money(-5, "EUR").format() == "-0.05 EUR"
