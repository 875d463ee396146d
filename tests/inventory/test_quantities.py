"""Exact conversions between what people say and the integer steps stock counts."""

import pytest
from django.core.exceptions import ValidationError

from inventory.quantities import (
    packs_breakdown,
    packs_text,
    packs_to_steps,
    steps_format,
    steps_parse,
    whole_packs_problem,
)

BIGINT = 2**63 - 1


def refusal(text, decimals) -> str:
    with pytest.raises(ValidationError) as raised:
        steps_parse(text, decimals)
    return raised.value.messages[0]


def test_a_pallet_of_40_cases_of_12():
    case = 12
    pallet = 40 * case
    assert packs_to_steps(1, pallet) == 480
    assert packs_to_steps(3, case) == 36
    assert packs_breakdown(500, [("case", case), ("pallet", pallet)]) == [
        ("pallet", 1),
        ("case", 1),
        ("", 8),
    ]
    assert packs_breakdown(480, [("case", case), ("pallet", pallet)]) == [("pallet", 1)]
    assert packs_text(29, 0, "pcs", [("case", 12, "cases")]) == "2 cases + 5 pcs"


def test_a_kilogram_to_3_decimals():
    assert steps_parse("1.25", 3) == 1250
    assert steps_parse("1.250", 3) == 1250
    assert steps_parse("0.001", 3) == 1
    assert steps_parse("-0.5", 3) == -500
    assert steps_format(1250, 3) == "1.250"
    assert steps_format(1, 3) == "0.001"
    assert steps_format(-500, 3) == "-0.500"
    assert "nearest quantities are 1.250 and 1.251" in refusal("1.2505", 3)


def test_a_metre_to_1_decimal():
    assert steps_parse("12.5", 1) == 125
    assert steps_format(125, 1) == "12.5"
    assert "nearest quantities are 12.5 and 12.6" in refusal("12.55", 1)
    # Negative refusals name the two neighbours on either side too.
    assert "nearest quantities are -12.6 and -12.5" in refusal("-12.55", 1)


def test_whole_units_refuse_any_fraction():
    assert steps_parse("36", 0) == 36
    assert "nearest quantities are 1 and 2" in refusal("1.5", 0)


def test_the_largest_quantities_that_fit_a_bigint():
    assert steps_parse(str(BIGINT), 0) == BIGINT
    assert steps_parse("9223372036854.775807", 6) == BIGINT
    assert steps_format(BIGINT, 6) == "9223372036854.775807"
    assert "too large" in refusal("9223372036854.775808", 6)
    assert "too large" in refusal("1E+30", 0)
    assert packs_to_steps(BIGINT // 480, 480) == (BIGINT // 480) * 480
    with pytest.raises(ValidationError, match=f"at most {BIGINT // 480} packs"):
        packs_to_steps(BIGINT // 480 + 1, 480)


@pytest.mark.parametrize("text", ["", "abc", "1,5", "NaN", "Infinity", "1.2.3"])
def test_what_is_not_a_decimal_is_refused(text):
    assert refusal(text, 3)


def test_floats_are_not_quantities():
    with pytest.raises(ValidationError):
        steps_parse(1.25, 3)


def test_whole_packs():
    assert whole_packs_problem(36, [12, 480], "received") is None
    problem = whole_packs_problem(30, [480, 12], "received")
    assert "whole packs of 12" in problem and "nearest are 24 and 36" in problem
    assert whole_packs_problem(5, [], "shipped") is None
