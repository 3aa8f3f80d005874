"""Cleaning a person's fields: one set of rules for forms, the API, services and Excel import.

`clean_person` never raises: it returns the cleaned values and every problem found, keyed by
field, so that an import can report each bad cell and a form each bad input at once.
"""

import datetime
import re
import unicodedata
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.core import idcard
from meihao.core.errors import ValidationFailed
from meihao.people.models import Gender, PersonTag, mobile_validator
from meihao.places.models import Level

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HOME_LEVELS = frozenset({Level.COMMUNITY, Level.GRID})
NAME_MAX = 50
ADDRESS_MAX = 200

# Field names as the services take them, with the label a user sees for each.
FIELD_LABELS = {
    "real_name": _("Name"),
    "gender": _("Gender"),
    "birth_date": _("Birth date"),
    "id_number": _("ID-card number"),
    "phone": _("Mobile number"),
    "home_place": _("Community or grid code"),
    "address": _("Address"),
    "tags": _("Tags"),
}


def normalise_phone(value: str | None) -> str:
    """Drop spaces, dashes and a +86 country prefix: people paste numbers in many shapes."""
    phone = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value or ""))
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("86") and len(phone) == 13:
        phone = phone[2:]
    return phone


def clean_phone(value: str | None) -> str:
    phone = normalise_phone(value)
    if phone:
        mobile_validator(phone)
    return phone


def mobile_number(value: str | None, *, field: str) -> str:
    """A mobile number as people type it, or a refusal on `field` (blank stays blank)."""
    try:
        return clean_phone(value)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], field=field) from None


def clean_person(
    *,
    real_name: str,
    gender: str = "",
    birth_date: datetime.date | None = None,
    id_number: str = "",
    phone: str = "",
    home_place=None,
    address: str = "",
    tags=(),
) -> "tuple[dict, dict[str, StrOrPromise]]":
    """Return (cleaned values, {field: message}). Derives birth date and gender from the number.

    The ID number rules are GB 11643 (format, real birth date, check digit); when a birth date
    or gender is also given it must agree with the number.
    """
    errors: dict[str, StrOrPromise] = {}
    cleaned: dict = {}

    name = (real_name or "").strip()
    if not name:
        errors["real_name"] = _("Enter the person's real name.")
    elif len(name) > NAME_MAX:
        errors["real_name"] = _("A name has at most %(max)d characters.") % {"max": NAME_MAX}
    cleaned["real_name"] = name

    gender = (gender or "").strip()
    if gender and gender not in Gender.values:
        errors["gender"] = _("Choose male or female.")
        gender = ""

    if birth_date is not None and birth_date > timezone.localdate():
        errors["birth_date"] = _("The birth date is in the future.")
        birth_date = None

    number = idcard.normalise(id_number)
    if number:
        try:
            number = idcard.validate_id_number(number, birth_date=birth_date)
        except ValidationError as exc:
            errors["id_number"] = exc.messages[0]
        else:
            birth_date = birth_date or idcard.birth_date_of(number)
            derived_gender = idcard.gender_of(number)
            if gender and gender != derived_gender:
                errors["gender"] = _("The gender does not match the ID-card number.")
            gender = gender or derived_gender
    cleaned.update(id_number=number, gender=gender, birth_date=birth_date)

    try:
        cleaned["phone"] = clean_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
        cleaned["phone"] = ""

    if home_place is None:
        errors["home_place"] = _("Choose the community or grid the person lives in.")
    elif home_place.level not in HOME_LEVELS:
        errors["home_place"] = _("A home place must be a community or a grid.")
    cleaned["home_place"] = home_place

    address = (address or "").strip()
    if len(address) > ADDRESS_MAX:
        errors["address"] = _("An address has at most %(max)d characters.") % {"max": ADDRESS_MAX}
    cleaned["address"] = address

    clean_tags = []
    for tag in tags or ():
        if tag not in PersonTag.Tag.values:
            errors["tags"] = _("Unknown tag: %(tag)s.") % {"tag": tag}
        elif tag not in clean_tags:
            clean_tags.append(tag)
    cleaned["tags"] = clean_tags
    return cleaned, errors
