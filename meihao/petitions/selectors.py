"""Every read of the online petitions: the petitioner's own, the staff's through the engine's
`Case.objects.visible_to`, and the two public reads — a petition by its query code, and the
published questions and answers."""

from django.db.models import Q, QuerySet

from meihao.cases.models import CaseCategory, CaseEvent
from meihao.core.errors import NotFound
from meihao.petitions.models import PETITION_CODE, QUERY_CODE_LENGTH, Petition

SEARCH_MAX = 50


def topic_choices() -> list[tuple[str, list[CaseCategory]]]:
    """The dispatch catalogue as the form offers it: (area, [topics])."""
    rows = (
        CaseCategory.objects.filter(
            case_type__code=PETITION_CODE, parent__isnull=False, is_active=True
        )
        .select_related("parent")
        .order_by("parent__code", "code")
    )
    areas: dict[str, tuple[str, list]] = {}
    for topic in rows:
        areas.setdefault(topic.parent.code, (topic.parent.display_name, []))[1].append(topic)
    return list(areas.values())


def my_petitions(user) -> QuerySet[Petition]:
    if not getattr(user, "is_authenticated", False):
        return Petition.objects.none()
    return (
        Petition.objects.filter(case__submitted_by=user)
        .select_related("case__case_type", "case__category")
        .order_by("-created_at", "-pk")
    )


def last_note(case, action: str) -> str:
    """The note of the case's latest `action` event: the reply (report_back), the reason it was
    declined (reject)."""
    return (
        CaseEvent.objects.filter(case=case, action=action)
        .order_by("-created_at", "-pk")
        .values_list("note", flat=True)
        .first()
        or ""
    )


def petition_track(code: str) -> Petition:
    """A petition by its query code, for whoever holds the code (no log-in)."""
    code = (code or "").strip().upper()
    if len(code) != QUERY_CODE_LENGTH:
        raise NotFound()
    petition = (
        Petition.objects.filter(query_code=code)
        .select_related("case__case_type", "case__category__parent", "case__duplicate_of")
        .first()
    )
    if petition is None:
        raise NotFound()
    return petition


def published_answers(query: str = "") -> QuerySet[Petition]:
    """The published questions and answers, newest first; `query` finds words in the title, the
    question or the answer."""
    rows = Petition.objects.published().select_related("case__category", "case__reporter")
    query = (query or "").strip()[:SEARCH_MAX]
    for word in query.split():
        rows = rows.filter(
            Q(title__icontains=word)
            | Q(public_question__icontains=word)
            | Q(public_answer__icontains=word)
        )
    return rows.order_by("-published_at", "-pk")
