"""The resident's one-time pass: its signed QR token and its short code.

The QR code carries `<pass id>.<nonce>` signed with the site's secret under a salt used for
nothing else, so a token cannot be made up or altered; the pass row decides whether it is still
good (two minutes, one use). The short code is eight random characters from an alphabet without
0/O and 1/I, to read aloud and type: 32^8 ≈ 10^12 codes against the few hundred live at any
moment, so guessing one is hopeless even without a rate limit.
"""

import datetime
import re
import secrets

from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.inputs import parse_id
from meihao.rewards.models import RedemptionPass

PASS_LIFETIME = datetime.timedelta(minutes=2)
TOKEN_SALT = "meihao.rewards.redemption-pass"  # noqa: S105 - a salt, not a secret
SHORT_CODE_LENGTH = 8
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_TYPED = re.compile(r"[\s-]+")


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def token_for(redemption_pass: RedemptionPass) -> str:
    return signing.Signer(salt=TOKEN_SALT).sign(f"{redemption_pass.pk}.{redemption_pass.nonce}")


def normalise_short_code(typed: str) -> str:
    """What staff type: any case, with spaces or dashes between the groups."""
    return _TYPED.sub("", typed or "").upper()


def _unknown() -> NotFound:
    return NotFound(
        _("No pass with this code. Check the code, or ask the customer to show a new one."),
        code="unknown_pass",
    )


def _from_token(token: str) -> RedemptionPass:
    try:
        payload = signing.Signer(salt=TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        raise ValidationFailed(
            _("This QR code is not a valid pass. Ask the customer to show a new one."),
            code="forged_pass",
            field="code",
        ) from None
    pk, _dot, nonce = payload.partition(".")
    redemption_pass = (
        RedemptionPass.objects.select_related("person").filter(pk=parse_id(pk, default=0)).first()
    )
    if redemption_pass is None or not constant_time_compare(redemption_pass.nonce, nonce):
        raise _unknown()
    return redemption_pass


def find_pass(code: str) -> RedemptionPass:
    """The pass a scanned token or a typed short code names, whatever its state.

    A token that was tampered with is refused; an unknown code is NotFound.
    """
    code = (code or "").strip()
    if not code:
        raise ValidationFailed(_("Scan the customer's code or type it."), field="code")
    if ":" in code:  # a signed token (a short code never contains a colon)
        return _from_token(code)
    short_code = normalise_short_code(code)
    readable = all(c in SHORT_CODE_ALPHABET for c in short_code)
    if len(short_code) != SHORT_CODE_LENGTH or not readable:
        raise _unknown()
    redemption_pass = (
        RedemptionPass.objects.select_related("person").filter(short_code=short_code).first()
    )
    if redemption_pass is None:
        raise _unknown()
    return redemption_pass


def check_live(redemption_pass: RedemptionPass, now=None) -> None:
    """Refuse a pass that was used or has expired, saying which."""
    if redemption_pass.used_at is not None:
        raise ValidationFailed(
            _("This code has already been used. Ask the customer to show a new one."),
            code="pass_used",
            field="code",
        )
    if (now or timezone.now()) >= redemption_pass.expires_at:
        raise ValidationFailed(
            _("This code has expired. Ask the customer to show a new one."),
            code="pass_expired",
            field="code",
        )
