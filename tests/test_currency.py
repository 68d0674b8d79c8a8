"""Tests for otree.currency: Currency/cu, RealWorldCurrency, currency_range, DecimalUnit, formatting."""

from __future__ import annotations

import decimal
import json
import math
import pickle
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest

from otree.conf import settings
from otree.currency import (
    Currency,
    DecimalUnit,
    RealWorldCurrency,
    c,
    cu,
    currency_range,
    format_number,
    json_default,
)


@pytest.fixture(autouse=True)
def default_currency_settings():
    """Pin the currency settings to oTree's defaults, whatever other tests configured."""
    with settings.override(
        USE_POINTS=True,
        POINTS_DECIMAL_PLACES=0,
        POINTS_CUSTOM_NAME=None,
        REAL_WORLD_CURRENCY_CODE="USD",
        REAL_WORLD_CURRENCY_DECIMAL_PLACES=None,  # derived from the code
        LANGUAGE_CODE="en",
        THOUSAND_SEPARATOR="",
    ):
        yield


def real_currency(**extra):
    """Settings for a project that pays in real currency (USE_POINTS = False)."""
    return settings.override(USE_POINTS=False, **extra)


# ---------------------------------------------------------------- construction


def test_aliases():
    assert cu is Currency
    assert c is Currency
    assert issubclass(Currency, Decimal)
    assert issubclass(RealWorldCurrency, Currency)


def test_points_quantize_half_up_to_zero_places():
    assert Decimal.__str__(cu(2.5)) == "3"
    assert Decimal.__str__(cu(3.5)) == "4"  # not banker's rounding
    assert Decimal.__str__(cu(-2.5)) == "-3"
    assert Decimal.__str__(cu(2.4999)) == "2"
    assert cu() == 0


def test_points_decimal_places_setting():
    with settings.override(POINTS_DECIMAL_PLACES=1):
        assert Decimal.__str__(cu(1.25)) == "1.3"
        assert Decimal.__str__(cu(7)) == "7.0"


def test_real_currency_quantize_two_places():
    with real_currency():
        assert Decimal.__str__(cu(0.125)) == "0.13"
        assert Decimal.__str__(cu(1)) == "1.00"
        assert Decimal.__str__(cu(0.1 + 0.2)) == "0.30"  # via repr, not the binary float


def test_zero_decimal_currencies():
    with real_currency(REAL_WORLD_CURRENCY_CODE="JPY"):
        assert Decimal.__str__(cu(1234.5)) == "1235"
    with real_currency(REAL_WORLD_CURRENCY_CODE="KRW"):
        assert Decimal.__str__(cu(0.4)) == "0"


def test_accepted_input_types():
    with real_currency():
        assert Decimal.__str__(cu("1.005")) == "1.01"
        assert Decimal.__str__(cu(" 3 ")) == "3.00"
        assert Decimal.__str__(cu(Decimal("2.345"))) == "2.35"
        assert Decimal.__str__(cu(cu(4))) == "4.00"
        assert Decimal.__str__(cu(Fraction(1, 3))) == "0.33"
        assert Decimal.__str__(cu(True)) == "1.00"


class NumpyLikeScalar:
    """Stand-in for a numpy scalar: the contract is only that .item() gives a Python number."""

    def __init__(self, value):
        self.value = value

    def item(self):
        return self.value


def test_numpy_like_scalars():
    assert cu(NumpyLikeScalar(2.6)) == 3
    assert cu(NumpyLikeScalar(7)) == 7


def test_numpy_scalars_if_installed():
    numpy = pytest.importorskip("numpy")
    assert cu(numpy.float64(2.6)) == 3
    assert cu(numpy.int64(7)) == 7


def test_invalid_input():
    with pytest.raises(ValueError):
        cu("abc")
    with pytest.raises(decimal.InvalidOperation):  # same error as Decimal('abc')
        cu("abc")
    with pytest.raises(ValueError):
        cu(float("nan"))
    with pytest.raises(ValueError):
        cu(float("inf"))
    with pytest.raises(TypeError):
        cu(None)
    with pytest.raises(TypeError):
        cu([1])


def test_negative_zero_is_plain_zero():
    with real_currency():
        assert Decimal.__str__(cu(-0.001)) == "0.00"
        assert str(cu(-0.001)) == "$0.00"


# ---------------------------------------------------------------- arithmetic


@pytest.mark.parametrize(
    "expression, expected",
    [
        (lambda: cu(10) + 5, 15),
        (lambda: 5 + cu(10), 15),
        (lambda: cu(10) - 3, 7),
        (lambda: 3 - cu(10), -7),
        (lambda: cu(10) * 3, 30),
        (lambda: 3 * cu(10), 30),
        (lambda: cu(10) / 4, 3),  # 2.5 rounds half up
        (lambda: 25 / cu(10), 3),
        (lambda: cu(10) // 3, 3),
        (lambda: 31 // cu(10), 3),
        (lambda: cu(10) % 3, 1),
        (lambda: 31 % cu(10), 1),
        (lambda: cu(2) ** 3, 8),
        (lambda: 2 ** cu(3), 8),
        (lambda: -cu(4), -4),
        (lambda: +cu(4), 4),
        (lambda: abs(cu(-4)), 4),
        (lambda: cu(10) * 0.25, 3),  # floats work, result is rounded
        (lambda: 0.25 * cu(10), 3),
        (lambda: cu(10) + Decimal("0.6"), 11),
        (lambda: Decimal("0.6") + cu(10), 11),
        (lambda: cu(1) + cu(2), 3),
    ],
)
def test_arithmetic_returns_currency(expression, expected):
    result = expression()
    assert type(result) is Currency
    assert result == expected


def test_arithmetic_keeps_real_world_currency():
    total = RealWorldCurrency(1.5) + 1
    assert type(total) is RealWorldCurrency
    assert type(2 * RealWorldCurrency(1)) is RealWorldCurrency
    assert type(-RealWorldCurrency(1)) is RealWorldCurrency


def test_arithmetic_rounds_result_in_real_currency():
    with real_currency():
        assert Decimal.__str__(cu(1) / 3) == "0.33"
        assert Decimal.__str__(cu(0.1) + 0.2) == "0.30"


def test_divmod_and_sum():
    quotient, remainder = divmod(cu(17), 5)
    assert (type(quotient), type(remainder)) == (Currency, Currency)
    assert (quotient, remainder) == (3, 2)
    assert divmod(17, cu(5)) == (3, 2)
    total = sum([cu(1), cu(2), cu(3)])
    assert type(total) is Currency and total == 6


def test_arithmetic_with_unsupported_type_raises():
    with pytest.raises(TypeError):
        cu(1) + "1"
    with pytest.raises(TypeError):
        "1" + cu(1)
    with pytest.raises(TypeError):
        cu(1) + None


def test_division_by_zero():
    with pytest.raises(ZeroDivisionError):
        cu(1) / 0


def test_conversions():
    assert bool(cu(0)) is False
    assert bool(cu(0.4)) is False  # rounds to 0 points
    assert bool(cu(1)) is True
    assert int(cu(7)) == 7 and type(int(cu(7))) is int
    assert float(cu(7)) == 7.0
    with real_currency():
        assert float(cu(1.25)) == 1.25
        assert int(cu(1.99)) == 1
        # round() is half up, like construction.
        assert round(cu(2.5)) == 3 and type(round(cu(2.5))) is int
        assert round(cu(1.25), 1) == Decimal("1.3")
        assert type(round(cu(1.25), 1)) is Currency
        assert math.floor(cu(1.75)) == 1
        assert math.ceil(cu(1.25)) == 2


def test_to_number():
    assert cu(5).to_number() == 5 and type(cu(5).to_number()) is int
    with real_currency():
        assert cu(5).to_number() == 5.0 and type(cu(5).to_number()) is float
        assert cu(1.25).to_number() == 1.25
    with real_currency(REAL_WORLD_CURRENCY_CODE="JPY"):
        assert type(cu(5).to_number()) is int


# ---------------------------------------------------------------- comparison


def test_equality_rounds_other_operand():
    assert cu(1) == 1
    assert cu(1) == 1.004
    assert 1.004 == cu(1)
    assert cu(1) == Decimal("1.4")
    assert Decimal("1.4") == cu(1)
    assert cu(1) != 1.6
    assert not (cu(1) != 1.004)
    assert cu(1) != "1"  # strings are not numbers
    assert cu(1) != None  # noqa: E711
    with real_currency():
        assert cu(1) == 1.004
        assert cu(1) != 1.006
        assert cu(0.1 + 0.2) == 0.3


def test_ordering_rounds_other_operand():
    assert cu(3) > 2
    assert 2 < cu(3)
    assert cu(3) >= 3.4  # 3.4 rounds to 3
    assert cu(3) <= 2.6  # 2.6 rounds to 3
    assert not (cu(3) < 3.4)
    assert cu(3) < 3.5
    assert cu(3) < float("inf")
    assert cu(3) > float("-inf")
    assert sorted([cu(3), 1, cu(2)]) == [1, 2, 3]
    assert max(cu(1), cu(5), cu(3)) == 5
    with pytest.raises(TypeError):
        cu(1) < "2"  # noqa: B015 - the comparison itself must raise


def test_hash_matches_equal_values():
    assert hash(cu(5)) == hash(5) == hash(Decimal(5))
    with real_currency():
        assert hash(cu(5)) == hash(5)  # 5.00 and 5 are equal, so hash alike
        assert hash(cu(1.5)) == hash(1.5)
    assert len({cu(1), cu(1), 1, cu(2)}) == 2
    assert {cu(3): "x"}[3] == "x"


# ---------------------------------------------------------------- display


def test_points_display():
    assert str(cu(100)) == "100 points"
    assert str(cu(0)) == "0 points"
    assert str(cu(2)) == "2 points"
    assert str(cu(1)) == "1 point"
    assert str(cu(-1)) == "-1 points"
    assert str(cu(-5)) == "-5 points"


def test_points_custom_name():
    with settings.override(POINTS_CUSTOM_NAME="tokens"):
        assert str(cu(100)) == "100 tokens"
        assert str(cu(1)) == "1 tokens"


def test_points_with_decimal_places_and_locale():
    with settings.override(POINTS_DECIMAL_PLACES=2):
        assert str(cu(1.5)) == "1.50 points"
    with settings.override(POINTS_DECIMAL_PLACES=1, LANGUAGE_CODE="de"):
        assert str(cu(1.5)) == "1,5 Punkte"  # the unit follows the language too


def test_usd_display():
    with real_currency():
        assert str(cu(1)) == "$1.00"
        assert str(cu(0.5)) == "$0.50"
        assert str(cu(1234.5)) == "$1234.50"
        assert str(cu(-1)) == "-$1.00"


def test_other_currency_symbols_in_english():
    expected = {
        "EUR": "€1.00",
        "GBP": "£1.00",
        "CNY": "¥1.00",
        "INR": "₹1.00",
        "AUD": "A$1.00",
        "CAD": "C$1.00",
        "BRL": "R$1.00",
        "RUB": "₽1.00",
        "CHF": "CHF 1.00",
        "SEK": "kr 1.00",
        "PLN": "zł 1.00",
        "XYZ": "XYZ 1.00",
    }
    for code, text in expected.items():
        with real_currency(REAL_WORLD_CURRENCY_CODE=code):
            assert str(cu(1)) == text, code


def test_unknown_code_negative():
    with real_currency(REAL_WORLD_CURRENCY_CODE="XYZ"):
        assert str(cu(-2)) == "-XYZ 2.00"


def test_jpy_and_krw_display():
    with real_currency(REAL_WORLD_CURRENCY_CODE="JPY"):
        assert str(cu(1500)) == "¥1500"
    with real_currency(REAL_WORLD_CURRENCY_CODE="KRW", THOUSAND_SEPARATOR=","):
        assert str(cu(15000)) == "₩15,000"


def test_german_euro_display():
    with real_currency(REAL_WORLD_CURRENCY_CODE="EUR", LANGUAGE_CODE="de"):
        assert str(cu(1)) == "1,00 €"
        assert str(cu(-1.5)) == "-1,50 €"
    with real_currency(REAL_WORLD_CURRENCY_CODE="EUR", LANGUAGE_CODE="de", THOUSAND_SEPARATOR="."):
        assert str(cu(1234567.891)) == "1.234.567,89 €"


def test_locale_variants():
    with real_currency(REAL_WORLD_CURRENCY_CODE="EUR", LANGUAGE_CODE="fr-FR"):
        assert str(cu(2.5)) == "2,50 €"
    with real_currency(REAL_WORLD_CURRENCY_CODE="EUR", LANGUAGE_CODE="nl"):
        assert str(cu(2.5)) == "€ 2,50"
    with real_currency(REAL_WORLD_CURRENCY_CODE="CNY", LANGUAGE_CODE="zh-hans"):
        assert str(cu(2.5)) == "¥2.50"
    with real_currency(REAL_WORLD_CURRENCY_CODE="SEK", LANGUAGE_CODE="sv"):
        assert str(cu(2.5)) == "2,50 kr"


def test_thousand_separator():
    with settings.override(THOUSAND_SEPARATOR=","):
        assert str(cu(1234567)) == "1,234,567 points"
        assert str(cu(123)) == "123 points"
        assert str(cu(-1234)) == "-1,234 points"
    with real_currency(THOUSAND_SEPARATOR=","):
        assert str(cu(1000)) == "$1,000.00"
        assert str(cu(-999999.99)) == "-$999,999.99"


def test_repr():
    assert repr(cu(100)) == "100cu"
    with real_currency():
        assert repr(cu(1)) == "1.00cu"


def test_format():
    assert f"{cu(100)}" == "100 points"
    assert format(cu(100), "") == "100 points"
    assert f"{cu(100):.2f}" == "100.00"
    assert f"{cu(1234):,}" == "1,234"
    assert f"{cu(7):>5}" == "    7"
    assert "{}".format(cu(1)) == "1 point"


def test_display_reads_settings_at_call_time():
    amount = cu(3)
    assert str(amount) == "3 points"
    with settings.override(POINTS_CUSTOM_NAME="coins"):
        assert str(amount) == "3 coins"


# ---------------------------------------------------------------- real world currency


def test_real_world_currency_ignores_use_points():
    assert settings.USE_POINTS is True
    money = RealWorldCurrency(1.255)
    assert Decimal.__str__(money) == "1.26"
    assert str(money) == "$1.26"
    with settings.override(POINTS_CUSTOM_NAME="tokens"):
        assert str(money) == "$1.26"
    with real_currency():
        assert str(RealWorldCurrency(3)) == "$3.00"


def test_real_world_currency_zero_decimal_code():
    with settings.override(REAL_WORLD_CURRENCY_CODE="JPY"):
        assert str(RealWorldCurrency(99.5)) == "¥100"


def make_session(rate):
    """A session as far as to_real_world_currency() is concerned: just its config dict."""
    return SimpleNamespace(config={"real_world_currency_per_point": rate})


def test_to_real_world_currency_with_points():
    session = make_session(0.01)
    money = cu(150).to_real_world_currency(session)
    assert type(money) is RealWorldCurrency
    assert money == Decimal("1.50")
    assert str(money) == "$1.50"
    assert cu(333).to_real_world_currency(make_session(Decimal("0.005"))) == Decimal("1.67")
    assert cu(3).to_real_world_currency(make_session(2)) == 6


def test_to_real_world_currency_without_points():
    with real_currency():
        session = make_session(0.01)  # ignored: the amount already is money
        money = cu(1.5).to_real_world_currency(session)
        assert type(money) is RealWorldCurrency
        assert money == Decimal("1.50")


def test_real_world_currency_to_real_world_currency_is_identity():
    money = RealWorldCurrency(2)
    assert money.to_real_world_currency(make_session(0.01)) is money


# ---------------------------------------------------------------- currency_range


def test_currency_range():
    values = currency_range(0, 10, 5)
    assert values == [cu(0), cu(5), cu(10)]
    assert all(type(v) is Currency for v in values)
    assert currency_range(0, 9, 5) == [cu(0), cu(5)]
    assert currency_range(3, 3, 1) == [cu(3)]
    assert currency_range(5, 0, 1) == []


def test_currency_range_real_currency():
    with real_currency():
        values = currency_range(0, 1, 0.25)
        assert [Decimal.__str__(v) for v in values] == ["0.00", "0.25", "0.50", "0.75", "1.00"]
        assert len(currency_range(0, 1, 0.1)) == 11  # no float drift


@pytest.mark.parametrize("increment", [0, -1, 0.4])  # 0.4 points rounds to 0
def test_currency_range_invalid_increment(increment):
    with pytest.raises(ValueError):
        currency_range(0, 10, increment)


# ---------------------------------------------------------------- pickle & json


def test_pickle_round_trip():
    for value in [cu(100), cu(-3), RealWorldCurrency(1.25)]:
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            restored = pickle.loads(pickle.dumps(value, protocol=protocol))
            assert type(restored) is type(value)
            assert restored == value
            assert Decimal.__str__(restored) == Decimal.__str__(value)
    with real_currency():
        restored = pickle.loads(pickle.dumps({"payoff": cu(1.5)}))
        assert restored["payoff"] == Decimal("1.5")
        assert str(restored["payoff"]) == "$1.50"


def test_json_default():
    assert json.dumps({"a": cu(5)}, default=json_default) == '{"a": 5}'
    with real_currency():
        assert json.dumps([cu(1.5), RealWorldCurrency(2)], default=json_default) == "[1.5, 2.0]"
    assert json.dumps(Decimal("0.25"), default=json_default) == "0.25"
    assert json.loads(json.dumps({3, 1}, default=json_default)) in ([1, 3], [3, 1])
    assert json.dumps(frozenset(), default=json_default) == "[]"
    assert json_default((1, 2)) == [1, 2]
    with pytest.raises(TypeError):
        json.dumps(object(), default=json_default)


# ---------------------------------------------------------------- format_number


def test_format_number():
    assert format_number(1234) == "1234"
    assert format_number(1.5) == "1.5"
    assert format_number(1.5, 2) == "1.50"
    assert format_number(2.675, 2) == "2.68"  # half up on the decimal repr
    assert format_number(Decimal("0.10")) == "0.10"
    assert format_number(-0.0) == "0.0"  # no "-0.0"
    assert format_number(1.0) == "1.0"  # floats keep their repr digits
    with settings.override(LANGUAGE_CODE="de", THOUSAND_SEPARATOR="."):
        assert format_number(1234567.5) == "1.234.567,5"
        assert format_number(-1234) == "-1.234"
    with settings.override(LANGUAGE_CODE="ja", THOUSAND_SEPARATOR=","):
        assert format_number(1234.5) == "1,234.5"
    with pytest.raises(TypeError):
        format_number("12")


# ---------------------------------------------------------------- DecimalUnit


class Kilograms(DecimalUnit):
    storage_places = 3
    input_places = 1
    input_unit_label = "kg"
    output_min_places = 1
    output_max_places = 2

    def output(formatted, raw):  # oTree 6 style: no self
        return f"{formatted} kg"


class Pounds(DecimalUnit):
    storage_places = 2
    output_min_places = 2
    output_max_places = 2

    def output(self, formatted, raw):  # also allowed with self
        return f"£{formatted}" if raw >= 0 else f"-£{formatted[1:]}"


class Plain(DecimalUnit):
    storage_places = 4


def test_decimal_unit_storage():
    weight = Kilograms("1.23456")
    assert isinstance(weight, Decimal)
    assert not isinstance(weight, Currency)
    assert Decimal.__str__(weight) == "1.235"
    assert repr(weight) == "Kilograms('1.235')"
    assert Kilograms.input_unit_label == "kg"
    assert Kilograms.get_input_places() == 1
    assert Plain.get_input_places() == 4


def test_decimal_unit_display():
    assert str(Kilograms(1.23456)) == "1.24 kg"  # at most 2 places
    assert str(Kilograms(2)) == "2.0 kg"  # at least 1 place
    assert str(Kilograms(2.5)) == "2.5 kg"
    assert str(Pounds(3)) == "£3.00"
    assert str(Pounds(-3)) == "-£3.00"
    assert str(Plain(1.5)) == "1.5"  # no output(): just the number, min 0 places
    assert str(Plain(2)) == "2"
    assert f"{Pounds(3)}" == "£3.00"
    with settings.override(LANGUAGE_CODE="de", THOUSAND_SEPARATOR="."):
        assert str(Kilograms(1234.5)) == "1.234,5 kg"


def test_decimal_unit_arithmetic_and_comparison():
    total = Kilograms(1.5) + 1
    assert type(total) is Kilograms and total == Decimal("2.5")
    assert type(2 * Kilograms(1)) is Kilograms
    assert Kilograms(1) / 3 == Decimal("0.333")
    assert Kilograms(1) == 1.0004  # other operand rounded to 3 places
    assert hash(Kilograms(2)) == hash(2)


def test_decimal_unit_pickle_and_json():
    weight = Kilograms(1.5)
    restored = pickle.loads(pickle.dumps(weight))
    assert type(restored) is Kilograms and restored == weight
    assert json.dumps(weight, default=json_default) == "1.5"
