"""What the public may see of cases (审核后公开): the one rule, and the one representation.

A case is published once a dispatcher has accepted it (never while it waits for review, nor
once refused, merged or withdrawn), when its case type is public and its class is marked
`public` (a class-less case of a public type follows the type). What is published is
`public_case(case)`: number, class, status, grid, dates, the description with phone and ID
numbers and the reporter's name redacted, the location moved to the grid's centroid, the status
steps of its timeline, and only the photos staff marked public, as their EXIF-free copies.
Never a name, a phone number, the address, the exact point or who acted on it.

The public page and its map, the follower's view and Open311 all read through
`publicly_visible()` and `public_case()`; nothing else decides.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q
from django.urls import reverse

from meihao.cases.extensions import vocabulary_of
from meihao.cases.models import Case, CaseEvent, CasePhoto, CaseType, Status
from meihao.cases.states import TERMINAL_STATES, TRANSITIONS
from meihao.core.pii import mask_name

S = Status
# Every state decided: a new state fails tests/test_publication.py until it is added here.
PUBLISHED: dict[str, bool] = {
    S.SUBMITTED: False,  # not reviewed yet
    S.ACCEPTED: True,
    S.REJECTED: False,  # refused on review
    S.DUPLICATE: False,  # the original is published instead
    S.DISPATCHED: True,
    S.IN_PROGRESS: True,
    S.REPORTED_BACK: True,
    S.CLOSED: True,
    S.REOPENED: True,
    S.RETURNED: True,
    S.PARKED: True,
    S.VOID: False,  # withdrawn
}
PUBLISHED_STATES = frozenset(state for state, published in PUBLISHED.items() if published)

# Numbers a resident may type into a description, longest forms first so that an ID number is
# not half-masked as a phone. Typed numbers often carry a space or hyphen between groups.
_SEP = r"[ -]?"
ID_CARD = r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
OLD_ID_CARD = r"[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}"
MOBILE = rf"(?:\+?86{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}"
EXTENSION = rf"(?:{_SEP}(?:转|ext\.?|x){_SEP}\d{{1,6}})?"
LANDLINE = rf"(?:\(0\d{{2,3}}\)|0\d{{2,3}}){_SEP}[2-9]\d{{6,7}}{EXTENSION}"
# A local landline typed without its area code: 8765 4321, 876-5432.
LOCAL_NUMBER = rf"[2-9]\d{{2,3}}{_SEP}\d{{4}}"
REDACTED = re.compile(
    rf"(?<![\dA-Za-z])(?:{ID_CARD}|{OLD_ID_CARD}|{MOBILE}|{LANDLINE}|{LOCAL_NUMBER})(?![\dA-Za-z])"
)


def redact(text: str, *, names: tuple[str, ...] = ()) -> str:
    """`text` with phone numbers (mobile, landline) and ID-card numbers (18- and 15-character
    GB 11643) starred out, and the given personal names masked to the family name."""
    text = REDACTED.sub(lambda m: "*" * len(m.group(0)), text or "")
    for name in names:
        if name and len(name) >= 2:
            text = text.replace(name, mask_name(name))
    return text


def publicly_visible_q(prefix: str = "") -> Q:
    """The publication rule as a filter on cases (`prefix` for a relation, e.g. "case__")."""
    return Q(
        **{
            f"{prefix}case_type__visibility": CaseType.Visibility.PUBLIC,
            f"{prefix}status__in": PUBLISHED_STATES,
        }
    ) & (Q(**{f"{prefix}category__isnull": True}) | Q(**{f"{prefix}category__public": True}))


def publicly_visible(queryset=None):
    """The published cases (of `queryset`, by default all), loaded with what `public_case`
    reads: a page of them costs the same few queries whatever its length."""
    rows = Case.objects.all() if queryset is None else queryset
    return (
        rows.filter(publicly_visible_q())
        .select_related(*PUBLIC_RELATED)
        .prefetch_related(*public_prefetches())
    )


def is_publicly_visible(case: Case) -> bool:
    """`publicly_visible()` for one loaded case."""
    category = case.category
    return (
        case.case_type.visibility == CaseType.Visibility.PUBLIC
        and PUBLISHED[case.status]
        and (category is None or category.public)
    )


PUBLIC_RELATED = ("case_type", "category__parent", "place", "assigned_organisation")


def _published_photos():
    return CasePhoto.objects.filter(is_public=True).order_by("created_at", "id")


def _status_steps():
    actions = [a for a, t in TRANSITIONS.items() if t.target is not None] + ["submit"]
    return CaseEvent.objects.filter(action__in=actions).order_by("created_at", "id")


def public_prefetches() -> list[Prefetch]:
    """The published photos and the status steps, as `public_case` reads them."""
    return [
        Prefetch("photos", queryset=_published_photos(), to_attr="published_photos"),
        Prefetch("events", queryset=_status_steps(), to_attr="status_steps"),
    ]


@dataclass(frozen=True)
class PublicPhoto:
    pk: int
    url: str  # the EXIF-free public copy
    thumbnail_url: str


@dataclass(frozen=True)
class PublicStep:
    """One status step of the timeline: when, which action, from which state to which, in the
    citizens' words of the case's type (cases.vocabulary)."""

    created_at: datetime
    action: str
    from_status: str
    to_status: str
    case_type_code: str

    @property
    def label(self) -> str:
        return vocabulary_of(self.case_type_code).event_label(self.action)

    @property
    def from_label(self) -> str:
        words = vocabulary_of(self.case_type_code)
        return words.status_label(self.from_status) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return vocabulary_of(self.case_type_code).status_label(self.to_status)


@dataclass(frozen=True)
class PublicCase:
    """What anyone may know of a published case, and a follower of the case they follow."""

    number: str
    status: str
    class_name: str
    major_class_name: str
    place_name: str
    description: str
    lat: float | None  # the grid's centroid, never the reported point
    lon: float | None
    reported_at: datetime  # when reported (the phone's time of an offline report)
    created_at: datetime
    updated_at: datetime
    resolve_by: datetime | None
    agency: str
    photos: tuple[PublicPhoto, ...]
    steps: tuple[PublicStep, ...]
    case_type_code: str

    @property
    def status_label(self) -> str:
        """The state in the citizens' words of the case's type, never the engine's."""
        return vocabulary_of(self.case_type_code).status_label(self.status)

    @property
    def is_finished(self) -> bool:
        return self.status in TERMINAL_STATES


def _photo(photo: CasePhoto) -> PublicPhoto:
    return PublicPhoto(
        pk=photo.pk,
        url=reverse("cases:photo", args=[photo.pk, "public"]),
        thumbnail_url=reverse("cases:photo", args=[photo.pk, "thumb"]),
    )


def public_case(case: Case) -> PublicCase:
    """The public representation of `case`, redacted and rounded. Reads the prefetches of
    `publicly_visible()` / `public_prefetches()` when present, else queries for them."""
    photos = getattr(case, "published_photos", None)
    if photos is None:
        photos = _published_photos().filter(case=case)
    steps = getattr(case, "status_steps", None)
    if steps is None:
        steps = _status_steps().filter(case=case)
    category = case.category
    place = case.place
    organisation = case.assigned_organisation
    return PublicCase(
        number=case.number,
        status=case.status,
        class_name=(category or case.case_type).display_name,
        major_class_name=category.parent.display_name if category and category.parent else "",
        place_name=place.name,
        description=redact(case.description, names=(case.reporter_name,)),
        lat=place.centroid_lat,
        lon=place.centroid_lon,
        reported_at=case.shown_time,
        created_at=case.created_at,
        updated_at=case.updated_at,
        resolve_by=case.resolve_by,
        agency=organisation.name if organisation is not None else "",
        photos=tuple(_photo(p) for p in photos),
        steps=tuple(
            PublicStep(e.created_at, e.action, e.from_status, e.to_status, case.case_type.code)
            for e in steps
            if e.action == "submit" or e.from_status != e.to_status
        ),
        case_type_code=case.case_type.code,
    )
