"""Rotating check-in codes: valid for 15–30 s, bound to one activity, unforgeable."""

import datetime

import pytest
from django.core import signing
from hypothesis import given
from hypothesis import strategies as st

from meihao.activities import qr
from meihao.activities.tests.helpers import START
from meihao.core.errors import ValidationFailed

# START (09:00:00) is a window boundary: the epoch second is a multiple of 15.
assert int(START.timestamp()) % qr.WINDOW_SECONDS == 0


def seconds(n: float) -> datetime.timedelta:
    return datetime.timedelta(seconds=n)


def refused(call) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as error:
        call()
    return error.value


def test_a_token_shown_at_the_start_of_a_window_lives_30_seconds():
    token = qr.make_token(7, now=START)
    for after in (0, 14.9, 15, 29.9):
        assert qr.activity_of_token(token, now=START + seconds(after)) == 7
    assert refused(lambda: qr.activity_of_token(token, now=START + seconds(30))).code == (
        "expired_token"
    )


def test_a_token_shown_late_in_its_window_still_lives_at_least_15_seconds():
    shown = START + seconds(14.9)
    token = qr.make_token(7, now=shown)
    assert qr.activity_of_token(token, now=shown + seconds(15)) == 7
    assert refused(lambda: qr.activity_of_token(token, now=shown + seconds(15.2))).code == (
        "expired_token"
    )


def test_an_old_token_is_refused_hours_later():
    token = qr.make_token(7, now=START)
    error = refused(lambda: qr.activity_of_token(token, now=START + datetime.timedelta(hours=3)))
    assert error.code == "expired_token"
    assert error.field == "token"


def test_a_token_from_the_future_is_refused():
    token = qr.make_token(7, now=START + seconds(60))
    assert refused(lambda: qr.activity_of_token(token, now=START)).code == "invalid_token"


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature altered
        lambda token: "8" + token[1:],  # another activity id under the same signature
        lambda token: token.split(":")[0],  # no signature
        lambda token: "",
        lambda token: "not-a-token",
        lambda token: signing.Signer(salt="another.purpose").sign(token.split(":")[0]),
        lambda token: signing.Signer(salt=qr.TOKEN_SALT, key="x" * 50).sign(token.split(":")[0]),
        lambda token: signing.Signer(salt=qr.TOKEN_SALT).sign("seven-windows"),
    ],
)
def test_forged_tokens_are_refused(forge):
    token = qr.make_token(7, now=START)
    assert refused(lambda: qr.activity_of_token(forge(token), now=START)).code == "invalid_token"


def test_a_token_of_another_activity_is_refused_for_this_one():
    token = qr.make_token(7, now=START)
    qr.check_token(token, 7, now=START)
    assert refused(lambda: qr.check_token(token, 8, now=START)).code == "other_activity_token"


def test_the_token_is_safe_in_a_url_path():
    token = qr.make_token(123456, now=START)
    assert "/" not in token and "?" not in token and "#" not in token


@given(
    activity_id=st.integers(min_value=1, max_value=2**31),
    offset=st.floats(min_value=0, max_value=10**8, allow_nan=False),
)
def test_any_fresh_token_names_its_activity(activity_id, offset):
    now = START + seconds(offset)
    assert qr.activity_of_token(qr.make_token(activity_id, now=now), now=now) == activity_id


# --- the typed code ---------------------------------------------------------------------------


def test_the_code_is_six_unambiguous_characters():
    code = qr.make_code(7, now=START)
    assert len(code) == 6
    assert set(code) <= set(qr.CODE_ALPHABET)
    assert not set(code) & set("01OIL")


def test_the_code_is_deterministic_and_changes_with_window_and_activity():
    assert qr.make_code(7, now=START) == qr.make_code(7, now=START + seconds(14))
    codes = {qr.make_code(7, now=START + seconds(15 * n)) for n in range(20)}
    assert len(codes) >= 19
    assert qr.make_code(7, now=START) != qr.make_code(8, now=START)


def test_the_code_works_in_the_same_windows_as_the_token():
    code = qr.make_code(7, now=START)
    qr.check_code(code, 7, now=START + seconds(29))
    qr.check_code(f" {code.lower()[:3]} {code.lower()[3:]} ", 7, now=START)  # as typed
    assert refused(lambda: qr.check_code(code, 7, now=START + seconds(30))).code == "invalid_code"


def test_another_activitys_code_and_an_empty_code_are_refused():
    code = qr.make_code(7, now=START)
    assert refused(lambda: qr.check_code(code, 8, now=START)).code == "invalid_code"
    assert refused(lambda: qr.check_code("  ", 7, now=START)).code == "code_required"


def test_the_rotation_says_until_when_the_code_is_valid():
    rotation = qr.current_rotation(7, now=START + seconds(5))
    assert rotation.valid_until == START + seconds(30)
    assert rotation.code == qr.make_code(7, now=START)
    assert qr.activity_of_token(rotation.token, now=START + seconds(29)) == 7
