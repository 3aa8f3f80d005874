"""Rotating check-in codes: the QR code the organiser shows, and the short code typed instead.

A token is the activity id and a 15-second time window, signed with the site's secret under a
salt used for nothing else. The current and the previous window are accepted, so a code shown
on the organiser's screen works for 15 to 30 seconds: long enough to scan, too short to send a
photo of it to a friend at home. The short code is an HMAC of the same pair, so a code typed
from the screen is bound to the activity and the window in the same way.
"""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from meihao.core.errors import ValidationFailed

WINDOW_SECONDS = 15
# Salts separate these signatures from every other use of SECRET_KEY; they are not secrets.
TOKEN_SALT = "meihao.activities.checkin-token"  # noqa: S105
CODE_SALT = "meihao.activities.checkin-code"
CODE_LENGTH = 6
# No 0/O, 1/I/L: read off a screen across a room and typed on a phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def window_at(moment: datetime.datetime) -> int:
    return int(moment.timestamp()) // WINDOW_SECONDS


def _accepted_windows(now: datetime.datetime) -> tuple[int, int]:
    current = window_at(now)
    return current, current - 1


def _signer() -> signing.Signer:
    return signing.Signer(salt=TOKEN_SALT)


def make_token(activity_id: int, *, now: datetime.datetime | None = None) -> str:
    """The token for the current window; URL-safe (letters, digits, '-', '_' and ':')."""
    window = window_at(now or timezone.now())
    return _signer().sign(f"{activity_id}-{window}")


def make_code(activity_id: int, *, now: datetime.datetime | None = None) -> str:
    return _code_for(activity_id, window_at(now or timezone.now()))


def _code_for(activity_id: int, window: int) -> str:
    digest = salted_hmac(CODE_SALT, f"{activity_id}-{window}", algorithm="sha256").digest()
    return "".join(CODE_ALPHABET[byte % len(CODE_ALPHABET)] for byte in digest[:CODE_LENGTH])


@dataclass(frozen=True)
class Rotation:
    """What the organiser's screen shows now, and how long it stays valid."""

    token: str
    code: str
    valid_until: datetime.datetime


def current_rotation(activity_id: int, *, now: datetime.datetime | None = None) -> Rotation:
    now = now or timezone.now()
    window = window_at(now)
    return Rotation(
        token=make_token(activity_id, now=now),
        code=_code_for(activity_id, window),
        # Accepted through the next window as "the previous one".
        valid_until=datetime.datetime.fromtimestamp((window + 2) * WINDOW_SECONDS, tz=datetime.UTC),
    )


def _invalid(message, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, field="token")


def activity_of_token(token: str, *, now: datetime.datetime | None = None) -> int:
    """The id of the activity a still-valid token belongs to, or ValidationFailed saying why
    it is not valid (forged or damaged, expired)."""
    try:
        value = _signer().unsign(str(token or ""))
        activity_part, window_part = value.split("-")
        activity_id, window = int(activity_part), int(window_part)
    except (signing.BadSignature, ValueError):
        raise _invalid(
            _("This is not a check-in code of ours. Scan the code on the organiser's screen."),
            "invalid_token",
        ) from None
    current, previous = _accepted_windows(now or timezone.now())
    if window < previous:
        raise _invalid(
            _("This check-in code has expired. Scan the code on the screen again."),
            "expired_token",
        )
    if window > current:
        # Only a server with a clock running ahead could have signed it.
        raise _invalid(_("This check-in code is not valid yet."), "invalid_token")
    return activity_id


def check_token(token: str, activity_id: int, *, now: datetime.datetime | None = None) -> None:
    """ValidationFailed unless `token` is a valid token of this activity."""
    if activity_of_token(token, now=now) != activity_id:
        raise _invalid(_("This check-in code belongs to another activity."), "other_activity_token")


def normalise_code(typed: str) -> str:
    return "".join(str(typed or "").split()).upper()


def _required(code: str) -> None:
    if not code:
        raise ValidationFailed(
            _("Type the code shown next to the QR code."), code="code_required", field="code"
        )


def _wrong_code() -> ValidationFailed:
    return ValidationFailed(
        _("This code is wrong or has expired. Type the code now on the screen."),
        code="invalid_code",
        field="code",
    )


def check_code(typed: str, activity_id: int, *, now: datetime.datetime | None = None) -> None:
    """ValidationFailed unless `typed` is this activity's code of the current or previous
    window. An expired code and a wrong one cannot be told apart (and need not be)."""
    if activity_of_code(typed, [activity_id], now=now) != activity_id:
        raise _wrong_code()


def activity_of_code(typed: str, activity_ids, *, now: datetime.datetime | None = None) -> int:
    """Which of `activity_ids` the typed code is the current (or previous window's) code of,
    for a code typed where no activity is chosen (the scanner without a camera). Two activities
    open at once share a code with odds of one in 31⁶ per window; the first one wins."""
    code = normalise_code(typed)
    _required(code)
    windows = _accepted_windows(now or timezone.now())
    for activity_id in activity_ids:
        for window in windows:
            if constant_time_compare(code, _code_for(activity_id, window)):
                return activity_id
    raise _wrong_code()
