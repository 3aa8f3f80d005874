"""Reading what people type: the one place pages and Open311 turn request text into numbers,
dates and stored text.

Python's own parsers are too generous for request input: `'²'.isdigit()` is true but `int('²')`
raises, `int()` of 5,000 digits raises with an English message, integers past 64 bits make the
database raise, `date(1, 1, 1) - timedelta(days=1)` overflows, and NUL or ESC stored in text
makes the XML of Open311 not well-formed. The parsers here answer None (or the caller's default)
for anything they cannot read, never raise; `InputMiddleware` refuses control characters in
every query, form and JSON value with a 400 in the user's language, so no page or form has to
remember it; `CheckedForm` gives every page form the same checks and its refusals a 422.
"""

import json
import re
import unicodedata
from contextvars import ContextVar
from datetime import date, datetime
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.core.errors import ValidationFailed

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# At most 19 digits: every 64-bit integer, and never a string long enough to make int() slow.
ASCII_INTEGER_RE = re.compile(r"[+-]?[0-9]{1,19}")
# Years a person plausibly means; far enough from date.min / date.max that adding a window of
# days to them never overflows.
MIN_YEAR, MAX_YEAR = 1900, 2999
ASCII_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ASCII_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
# C0 controls and DEL, except tab, newline and carriage return: nobody types them, and XML 1.0
# cannot carry the C0 ones at all.
CONTROL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Everything XML 1.0 cannot carry (its Char production).
NOT_XML_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

YEAR_MESSAGE = gettext_lazy("Enter a date between the years %(low)s and %(high)s.")
CONTROL_CHARACTERS_MESSAGE = gettext_lazy(
    "The text contains control characters (such as NUL or ESC). Remove them and try again."
)


def parse_int(value, *, default=None, minimum: int = INT64_MIN, maximum: int = INT64_MAX):
    """`value` as an int when it is ASCII digits (an optional sign) within [minimum, maximum]."""
    if value is None or isinstance(value, bool):
        return default
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not ASCII_INTEGER_RE.fullmatch(text):
            return default
        number = int(text)
    return number if minimum <= number <= maximum else default


def parse_id(value, *, default=None):
    """A primary key from a request: a positive 64-bit integer, else `default`."""
    return parse_int(value, default=default, minimum=1)


def parse_ids(values) -> list[int]:
    """The readable primary keys among `values` (a QueryDict's getlist), in order."""
    return [pk for pk in (parse_id(v) for v in values) if pk is not None]


def _plausible(day: date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def parse_minutes(value, *, most: int, field: str = "minutes") -> int:
    """Minutes of work as typed (a session, an answer): a whole number from 1 to `most`, or a
    refusal in words."""
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("Say how many minutes it took, as a whole number."), field=field
        ) from None
    if not 1 <= minutes <= most:
        raise ValidationFailed(_("Between 1 and %(most)s minutes.") % {"most": most}, field=field)
    return minutes


def parse_date(value, *, default=None):
    """An ISO date (YYYY-MM-DD) that exists, in years MIN_YEAR…MAX_YEAR, else `default`."""
    text = str(value or "").strip()
    if not ASCII_DATE_RE.fullmatch(text):
        return default
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return default
    return day if _plausible(day) else default


def parse_month(value, *, default=None):
    """The first day of the month named YYYY-MM, in years MIN_YEAR…MAX_YEAR, else `default`."""
    match = ASCII_MONTH_RE.fullmatch(str(value or "").strip())
    if match is None:
        return default
    year, month = int(match.group(1)), int(match.group(2))
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return default
    return date(year, month, 1)


def month_up_to(value, *, today: date, earliest_year: int = 2000) -> tuple[int, int]:
    """(year, month) of a page's ?month=YYYY-MM filter: from `earliest_year` up to today's
    month; anything unreadable, earlier or in the future is today's month."""
    chosen = parse_month(value)
    if chosen is None or chosen.year < earliest_year or chosen > today:
        return today.year, today.month
    return chosen.year, chosen.month


def parse_datetime(value, *, default=None):
    """An ISO 8601 date-time, aware (naive ones in the current time zone), else `default`.

    Impossible days (2024-02-30) and years outside MIN_YEAR…MAX_YEAR are unreadable, so the
    result can be shifted by any realistic window without overflowing.
    """
    text = str(value or "").strip()
    if not text.isascii():
        return default
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return default
    if not _plausible(moment):
        return default
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def clean_text(value, *, field: str, max_length: int = 2000, required=None) -> str:
    """A service's free-text input, stripped and at most `max_length` long; `required` is the
    message to refuse an empty one with (None: it may be empty)."""
    value = (value or "").strip()
    if required is not None and not value:
        raise ValidationFailed(required, code="required", field=field)
    if len(value) > max_length:
        raise ValidationFailed(
            gettext_lazy("At most %(limit)s characters.") % {"limit": max_length},
            code="max_length",
            field=field,
        )
    return value


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS_RE.search(text) is not None


def refuse_control_characters(value) -> None:
    """Validator for any text field: NUL, ESC and the other C0 controls are refused."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry (for rows stored before the check)."""
    return NOT_XML_RE.sub("", text)


def refuse_implausible_year(value) -> None:
    """Validator for date and date-time fields: years MIN_YEAR…MAX_YEAR (time-zone arithmetic
    on year 1 or 9999 overflows)."""
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(
            YEAR_MESSAGE, code="implausible_year", params={"low": MIN_YEAR, "high": MAX_YEAR}
        )


# ---------------------------------------------------------------------------------------------
# Pages: refusals answer 4xx

_form_refused: ContextVar[bool] = ContextVar("form_refused", default=False)


def note_form_refused() -> None:
    """A form of this request was refused: a page that shows it again answers 422."""
    _form_refused.set(True)


if TYPE_CHECKING:
    # What the mixin relies on from the form it is mixed into.
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class CheckedForm(_FormBase):
    """Mixed into every form of the pages (before forms.Form / forms.ModelForm): text fields
    refuse control characters, integers stay within 64 bits, dates within MIN_YEAR…MAX_YEAR,
    and a refusal makes the page that shows the form again answer 422."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(refuse_control_characters)
            elif isinstance(field, forms.IntegerField):
                # The database refuses integers past 64 bits with an error, not a message.
                if field.max_value is None:
                    field.validators.append(MaxValueValidator(INT64_MAX))
                if field.min_value is None:
                    field.validators.append(MinValueValidator(INT64_MIN))
            elif isinstance(field, forms.DateField | forms.DateTimeField):
                field.validators.append(refuse_implausible_year)

    def add_error(self, field, error):
        super().add_error(field, error)
        note_form_refused()


def answers_bad_input(responder):
    """Mark a view that answers refused input in its own format (Open311's GeoReport errors):
    the middleware calls `responder(request, message, **view_kwargs)` instead of the page."""

    def decorator(view):
        view.bad_input_responder = responder
        return view

    return decorator


class InputMiddleware:
    """Every page and Open311 request: control characters in query, form and JSON values
    (keys too) are refused with a 400 before any view runs, so nothing stores them; and a POST
    answered by showing a refused form again answers 422, not 200.

    The JSON API under /api/ checks its own input and answers in its own error format.
    """

    API_PREFIX = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _form_refused.set(False)
        try:
            response = self.get_response(request)
            if (
                request.method not in ("GET", "HEAD", "OPTIONS")
                and response.status_code == 200
                and _form_refused.get()
            ):
                response.status_code = 422
                response.reason_phrase = "Unprocessable Content"
            return response
        finally:
            _form_refused.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(self.API_PREFIX) or not _has_control_characters(request):
            return None
        responder = getattr(view_func, "bad_input_responder", None)
        if responder is not None:
            return responder(request, CONTROL_CHARACTERS_MESSAGE, **view_kwargs)
        if request.content_type == "application/json" or "application/json" in request.headers.get(
            "Accept", ""
        ):
            return JsonResponse(
                {"code": "control_characters", "message": str(CONTROL_CHARACTERS_MESSAGE)},
                status=400,
            )
        return render(request, "400.html", {"message": CONTROL_CHARACTERS_MESSAGE}, status=400)


def _has_control_characters(request) -> bool:
    data = [request.GET]
    if request.method == "POST":
        try:
            data.append(request.POST)
        except Exception:  # noqa: BLE001 - a body Django cannot parse is the view's to refuse
            return False
    if any(
        has_control_characters(key) or any(has_control_characters(v) for v in values)
        for query in data
        for key, values in query.lists()
    ):
        return True
    if request.content_type == "application/json" and request.body:
        try:
            payload = json.loads(request.body)
        except ValueError:
            return False  # the view refuses what is not JSON
        return _json_has_control_characters(payload)
    return False


def _json_has_control_characters(value) -> bool:
    """Any string in a JSON document (keys too); "\u0000" in JSON decodes to NUL."""
    if isinstance(value, str):
        return has_control_characters(value)
    if isinstance(value, dict):
        return any(
            has_control_characters(k) or _json_has_control_characters(v) for k, v in value.items()
        )
    if isinstance(value, list):
        return any(_json_has_control_characters(v) for v in value)
    return False


def phone_digits(typed: str) -> str:
    """The digits of a typed phone number: phones are often pasted with spaces or dashes
    ("138 0000 0001"), and a Chinese input method may type full-width digits (１３８)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", typed) if "0" <= ch <= "9")
