"""GB 11643-1999 ID-card numbers: check digit, format, birth date."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from meihao.core import idcard

WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # the standard's definition: W_i = 2^(i-1) mod 11


def reference_check_digit(first17: str) -> str:
    """Computed from the standard's formula, independently of idcard._WEIGHTS."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def number(region="450403", born="19800517", serial="003") -> str:
    first17 = region + born + serial
    return first17 + reference_check_digit(first17)


def test_weights_are_the_standards():
    assert WEIGHTS == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def test_published_example_with_x_check_digit_is_valid():
    # The example number of GB 11643-1999 (Beijing, Chaoyang, born 1949-12-31).
    assert idcard.validate_id_number("11010519491231002X") == "11010519491231002X"


@pytest.mark.parametrize(
    "value",
    [number(), number(born="20000229"), number(serial="998"), number(region="110105")],
)
def test_valid_numbers_pass_and_are_normalised(value):
    assert idcard.validate_id_number(f"  {value.lower()} ") == value


def test_lower_case_x_and_full_width_digits_are_normalised():
    assert idcard.validate_id_number("11010519491231002x") == "11010519491231002X"
    full_width = "１１０１０５１９４９１２３１００２Ｘ"
    assert idcard.validate_id_number(full_width) == "11010519491231002X"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "4504031980051700",  # 16 characters
        "45040319800517003",  # 17
        "4504031980051700355",  # 19
        "45040319800517X035",  # X not last
        "45040319800517003A",
        "٤٥٠٤٠٣١٩٨٠٠٥١٧٠٠٣٥",  # Arabic-Indic digits: \d would accept them
    ],
)
def test_bad_format_is_rejected(value):
    with pytest.raises(ValidationError) as exc:
        idcard.validate_id_number(value)
    assert exc.value.code == "id_format"


def test_wrong_check_digit_is_rejected():
    good = number()
    for wrong in "0123456789X":
        if wrong == good[-1]:
            continue
        with pytest.raises(ValidationError) as exc:
            idcard.validate_id_number(good[:17] + wrong)
        assert exc.value.code == "id_check_digit"


@pytest.mark.parametrize("born", ["19990230", "19801301", "19800100", "18991231", "00000000"])
def test_impossible_birth_date_is_rejected(born):
    with pytest.raises(ValidationError) as exc:
        idcard.validate_id_number(number(born=born))
    assert exc.value.code == "id_birth_date"


def test_birth_date_after_today_in_shanghai_is_rejected():
    # 2024-03-01 00:30 in Shanghai is still 2024-02-29 in UTC: born "today" is fine, tomorrow not.
    with time_machine.travel(datetime.datetime(2024, 2, 29, 16, 30, tzinfo=datetime.UTC)):
        assert idcard.validate_id_number(number(born="20240301"))
        with pytest.raises(ValidationError) as exc:
            idcard.validate_id_number(number(born="20240302"))
    assert exc.value.code == "id_birth_date"


def test_birth_date_must_match_the_given_one():
    value = number(born="19800517")
    assert idcard.validate_id_number(value, birth_date=datetime.date(1980, 5, 17))
    with pytest.raises(ValidationError) as exc:
        idcard.validate_id_number(value, birth_date=datetime.date(1980, 5, 18))
    assert exc.value.code == "id_birth_mismatch"


def test_gender_comes_from_the_17th_digit():
    assert idcard.gender_of(number(serial="003")) == "male"
    assert idcard.gender_of(number(serial="004")) == "female"


@given(
    region=st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
    born=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
)
def test_any_number_with_the_right_check_digit_passes_and_any_other_fails(region, born, serial):
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    right = reference_check_digit(first17)
    assert idcard.validate_id_number(first17 + right) == first17 + right
    assert idcard.birth_date_of(first17 + right) == born
    wrong = "0" if right != "0" else "1"
    with pytest.raises(ValidationError):
        idcard.validate_id_number(first17 + wrong)
