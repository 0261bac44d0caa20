"""crm_leads/lib/values.py: a bad cell value rejects its row with a reason (never a raw OverflowError)."""

import pytest
from conftest import load_lib

values = load_lib("crm_leads", "values")


@pytest.mark.parametrize(
    "text, code",
    [
        ("inf", "not_finite"),
        ("-Infinity", "not_finite"),
        ("1e400", "not_finite"),
        ("nan", "not_finite"),
        ("99999999999", "out_of_range"),
        ("2147483648", "out_of_range"),
        ("-1", "out_of_range"),
        ("12.5", "not_whole"),
        ("many", "not_a_number"),
    ],
)
def test_bad_integers(text, code):
    with pytest.raises(values.BadValue) as info:
        values.parse_integer(text)
    assert info.value.code == code
    assert info.value.params["value"]


@pytest.mark.parametrize(
    "text, number", [("120", 120), ("1,234", 1234), ("2147483647", 2**31 - 1), ("", None)]
)
def test_good_integers(text, number):
    assert values.parse_integer(text) == number


def test_numbers():
    assert values.parse_number("1,5") == 1.5
    assert values.parse_number(" 1 234.5 ") == 1234.5
    with pytest.raises(values.BadValue):
        values.parse_number("NaN")


def test_control_characters():
    assert values.control_character_column(["ok", "line\nbreak\tand tab", "bell\x07"]) == 2
    assert values.control_character_column(["a", "b\x00"]) == 1
    assert values.control_character_column(["C1\x85"]) == 0
    assert values.control_character_column(["中文", ""]) is None
