"""Resident ID-card numbers (居民身份证号码), GB 11643-1999."""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# ASCII only: `\d` would also accept full-width and other Unicode digits, which int() reads but
# which hash differently, letting one number be registered twice.
_PATTERN = re.compile(r"^[0-9]{17}[0-9X]$")


def check_digit(first17: str) -> str:
    """GB 11643 check digit: weighted sum mod 11 mapped onto 1 0 X 9 8 7 6 5 4 3 2."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalise(value: str) -> str:
    """Trim, upper-case the X, fold full-width characters (４５０４…Ｘ from a Chinese IME)."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def birth_date_of(number: str) -> datetime.date:
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def validate_id_number(value: str, *, birth_date: datetime.date | None = None) -> str:
    """Return the normalised number or raise ValidationError with a message for the user."""
    number = normalise(value)
    if not _PATTERN.match(number):
        raise ValidationError(
            _("An ID-card number has 18 characters: 17 digits and a final digit or X."),
            code="id_format",
        )
    try:
        born = birth_date_of(number)
    except ValueError:
        raise ValidationError(
            _("The ID-card number contains an impossible birth date."), code="id_birth_date"
        ) from None
    # "Today" in the project's time zone (Asia/Shanghai), not the server's: a baby born this
    # morning in Wuzhou must not be in the future for a server running on UTC.
    if born.year < 1900 or born > timezone.localdate():
        raise ValidationError(
            _("The ID-card number contains an impossible birth date."), code="id_birth_date"
        )
    if check_digit(number[:17]) != number[17]:
        raise ValidationError(
            _("The ID-card number's check digit is wrong; please check it again."),
            code="id_check_digit",
        )
    if birth_date is not None and birth_date != born:
        raise ValidationError(
            _("The ID-card number does not match the birth date."), code="id_birth_mismatch"
        )
    return number


def gender_of(number: str) -> str:
    """The 17th digit is odd for men, even for women."""
    return "male" if int(number[16]) % 2 else "female"
