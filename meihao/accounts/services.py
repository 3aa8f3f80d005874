"""Writes of the accounts context: sending and spending SMS codes, a resident's
self-registration, log-in by code and password reset by code.

Limits: codes to one number (`sms_phone`, `sms_phone_resend`) and from one client address
(`sms_ip`) are counted by `core.throttle` in the cache, which Redis shares between processes in
production; wrong codes are limited per code (`SMS_CODE_MAX_ATTEMPTS`, in the database) and per
client address across numbers (`sms_verify`).
"""

import datetime
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meihao.accounts.models import CodePurpose, SelfRegistration, SmsCode
from meihao.accounts.sms import SmsNotSent, send_sms
from meihao.core import throttle
from meihao.core.audit import audit_change
from meihao.core.errors import DomainError, ValidationFailed
from meihao.people.models import User

CODE_DIGITS = 6


class SmsUnavailable(DomainError):
    code = "sms_unavailable"
    status = 503


def code_hash(phone: str, purpose: str, code: str) -> str:
    """HMAC-SHA256 keyed with SECRET_KEY over the number, the purpose and the code: a code is
    worth nothing for another number or purpose, and the stored value does not give the code
    away without the key (a plain hash of six digits would, by trying all of them)."""
    return salted_hmac(
        "meihao.accounts.sms_code", f"{phone}:{purpose}:{code}", algorithm="sha256"
    ).hexdigest()


def _messages(purpose: str, code: str, minutes: int) -> str:
    texts = {
        CodePurpose.REGISTER: _(
            "[Meihao] Your registration code is %(code)s, valid for %(minutes)d minutes. "
            "Do not tell it to anyone."
        ),
        CodePurpose.LOGIN: _(
            "[Meihao] Your log-in code is %(code)s, valid for %(minutes)d minutes. "
            "Do not tell it to anyone."
        ),
        CodePurpose.RESET: _(
            "[Meihao] Your code to reset the password is %(code)s, valid for %(minutes)d "
            "minutes. Do not tell it to anyone."
        ),
    }
    return texts[purpose] % {"code": code, "minutes": minutes}


def _account_for(phone: str, purpose: str):
    """The account a code may be sent for: none for a registration (the number must be free),
    an active one for a log-in or a reset."""
    user = User.objects.filter(phone=phone).first()
    if purpose == CodePurpose.REGISTER:
        if user is not None:
            raise ValidationFailed(
                _("This mobile number already has an account: log in, or reset the password."),
                code="phone_taken",
                field="phone",
            )
        return None
    if user is None:
        raise ValidationFailed(
            _("No account uses this mobile number. Register first."),
            code="no_account",
            field="phone",
        )
    if not user.is_active:
        raise ValidationFailed(
            _("This account has been disabled. Please contact your community office."),
            code="inactive",
            field="phone",
        )
    return user


def send_code(*, phone: str, purpose: str, client_address: str) -> None:
    """Send a new code for `purpose` to `phone`, replacing any earlier one.

    Raises `throttle.RateLimited` beyond the limits, `ValidationFailed` when the number may not
    have a code for this purpose, `SmsUnavailable` when the message did not leave (then no code
    is stored)."""
    _account_for(phone, purpose)
    throttle.hit("sms_ip", f"ip:{client_address}")
    throttle.hit("sms_phone_resend", f"phone:{phone}")
    throttle.hit("sms_phone", f"phone:{phone}")
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    minutes = settings.SMS_CODE_TTL_MINUTES
    now = timezone.now()
    with transaction.atomic():
        SmsCode.objects.update_or_create(
            phone=phone,
            purpose=purpose,
            defaults={
                "code_hash": code_hash(phone, purpose, code),
                "sent_at": now,
                "expires_at": now + datetime.timedelta(minutes=minutes),
                "wrong_attempts": 0,
                "used_at": None,
            },
        )
        try:
            send_sms(phone, _messages(purpose, code, minutes))
        except SmsNotSent:
            raise SmsUnavailable(
                _("The text message could not be sent. Please try again in a few minutes.")
            ) from None


def _spend_code(*, phone: str, purpose: str, code: str, client_address: str) -> None:
    """Spend the number's live code for `purpose` if `code` is it; else count a wrong try and
    refuse. The count is committed even though the caller gets an error."""
    throttle.hit("sms_verify", f"ip:{client_address}")
    now = timezone.now()
    refusal = None
    with transaction.atomic():
        sent = SmsCode.objects.select_for_update().filter(phone=phone, purpose=purpose).first()
        limit = settings.SMS_CODE_MAX_ATTEMPTS
        if sent is None or sent.used_at is not None or sent.expires_at <= now:
            refusal = _("This code has expired or was already used. Send a new one.")
        elif sent.wrong_attempts >= limit:
            refusal = _("Too many wrong codes. Send a new one.")
        elif not constant_time_compare(sent.code_hash, code_hash(phone, purpose, code)):
            sent.wrong_attempts += 1
            sent.save(update_fields=["wrong_attempts"])
            left = limit - sent.wrong_attempts
            if left:
                refusal = ngettext(
                    "The code is wrong. %(count)d attempt left.",
                    "The code is wrong. %(count)d attempts left.",
                    left,
                ) % {"count": left}
            else:
                refusal = _("Too many wrong codes. Send a new one.")
        else:
            sent.used_at = now
            sent.save(update_fields=["used_at"])
    if refusal:
        raise ValidationFailed(refusal, code="wrong_code", field="code")


def register_resident(*, phone: str, code: str, password: str, client_address: str) -> User:
    """Create a resident's own log-in from a registration code. The account holds no role on
    any place: it acts on its own records only, until staff place the resident."""
    _account_for(phone, CodePurpose.REGISTER)
    _spend_code(phone=phone, purpose=CodePurpose.REGISTER, code=code, client_address=client_address)
    try:
        with transaction.atomic():
            user = User.objects.create_user(phone, password)
            SelfRegistration.objects.create(user=user)
            audit_change(actor=user, action="self_register", target=user, changes={})
    except IntegrityError:  # the same number registered in between
        _account_for(phone, CodePurpose.REGISTER)
        raise
    return user


def user_for_login_code(*, phone: str, code: str, client_address: str) -> User:
    """The account a right log-in code opens."""
    user = _account_for(phone, CodePurpose.LOGIN)
    _spend_code(phone=phone, purpose=CodePurpose.LOGIN, code=code, client_address=client_address)
    return user


def reset_password(*, phone: str, code: str, password: str, client_address: str) -> User:
    """Set a new password with a reset code. The account's other sessions end (Django checks
    the password hash on each request)."""
    user = _account_for(phone, CodePurpose.RESET)
    _spend_code(phone=phone, purpose=CodePurpose.RESET, code=code, client_address=client_address)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_change(actor=user, action="password_reset", target=user, changes={})
    return user
