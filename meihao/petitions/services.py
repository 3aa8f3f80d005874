"""Every write of an online petition, on the case engine.

    file (a logged-in resident; routed by its topic: to the topic's department at once, or to the
    petitioner's community and street) → [sent back as not theirs (退单: the engine's return) →
    dispatched again] → reply (the engine's report back) → call back and close (回访: the
    engine's verify and close) → the petitioner rates it (the engine's rating) → [publish the
    question and answer, with the petitioner's consent]
    declined to its proper channel (信访, litigation, arbitration, reconsideration: the engine's
    reject) | merged into the same petition (the engine's merge)

Overdue petitions are urged by `petitions_urge_overdue` (a periodic job), as a dispatcher
would urge them.
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meihao.cases import services as case_services
from meihao.cases.access import authorise, holds
from meihao.cases.models import Case, CaseCategory, CaseType, Status
from meihao.cases.states import DISPATCHER, HANDLING_RUNNING
from meihao.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.people.selectors import own_person
from meihao.petitions.models import (
    BODY_MAX,
    PETITION_CODE,
    QUERY_CODE_LENGTH,
    TITLE_MAX,
    Channel,
    Kind,
    Petition,
)
from meihao.places.models import community_of

# Unambiguous on a phone screen and read aloud: no 0/O, 1/I/L.
QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PUBLIC_TEXT_MAX = 2000
# The reason a declined petition's petitioner reads: where the matter goes instead.
CHANNEL_REASONS = {
    Channel.XINFANG: gettext_noop(
        "This is a matter of letters and visits: please submit it to the letters and visits "
        "office of the competent authority under the Regulations on Letters and Visits."
    ),
    Channel.LITIGATION: gettext_noop(
        "This matter is before a court: it is settled there, under the law, not by petition."
    ),
    Channel.ARBITRATION: gettext_noop(
        "This matter is before an arbitration body: it is settled there, not by petition."
    ),
    Channel.RECONSIDERATION: gettext_noop(
        "This matter is settled by administrative reconsideration: please apply to the "
        "reconsideration authority."
    ),
}
# Urge an overdue petition again after this long without a reply.
URGE_EVERY = timedelta(days=1)


def petition_type() -> CaseType:
    return CaseType.objects.get(code=PETITION_CODE)


def petition_of(case: Case) -> Petition:
    petition = Petition.objects.filter(case=case).first()
    if petition is None:
        raise NotFound()
    return petition


def _new_query_code() -> str:
    return "".join(secrets.choice(QUERY_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def _topic(case_type: CaseType, topic) -> CaseCategory:
    code = str(topic or "").strip()
    found = (
        CaseCategory.objects.filter(
            case_type=case_type, code=code, parent__isnull=False, is_active=True
        )
        .select_related("parent")
        .first()
        if code and len(code) <= 4
        else None
    )
    if found is None:
        raise ValidationFailed(_("Choose what your petition is about."), field="topic")
    return found


def petition_file(
    *,
    actor,
    kind,
    topic,
    title,
    body,
    photos=(),
    anonymous: bool = False,
    publish_consent: bool = False,
    urgent: bool = False,
    idempotency_key: str | None = None,
) -> Petition:
    """A resident files a petition about their home community; it goes to the topic's
    department at once, or waits for the community and street (cases.routing)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to send a petition."))
    person = own_person(actor)
    community = community_of(person.home_place) if person else None
    if community is None:
        raise ValidationFailed(
            _("Your home community is not recorded; ask your community to add it."),
            code="no_home_community",
        )
    if kind not in Kind.values:
        raise ValidationFailed(_("Choose the kind of petition."), field="kind")
    title = clean_text(
        title, field="title", required=_("Give your petition a title."), max_length=TITLE_MAX
    )
    body = clean_text(
        body, field="body", required=_("Say what your petition is about."), max_length=BODY_MAX
    )
    case_type = petition_type()
    category = _topic(case_type, topic)
    with transaction.atomic():
        case = case_services.case_submit(
            actor=actor,
            case_type=case_type,
            category=category,
            description=body,
            place=community,
            channel=Case.Channel.RESIDENT,
            priority=Case.Priority.URGENT if urgent else Case.Priority.NORMAL,
            reporter=person,
            data={"kind": kind, "title": title},
            idempotency_key=idempotency_key,
            photos=photos,
            filed_by_app=True,
        )
        existing = Petition.objects.filter(case=case).first()
        if existing is not None:  # the same petition sent twice (idempotency key)
            return existing
        return Petition.objects.create(
            case=case,
            kind=kind,
            title=title,
            anonymous=bool(anonymous),
            publish_consent=bool(publish_consent),
            query_code=_new_query_code(),
            created_at=case.created_at,
        )


@transaction.atomic
def petition_decline(*, actor, case: Case, channel) -> Petition:
    """不予受理: a matter in litigation, arbitration, reconsideration or 信访 is declined, and the
    petitioner is told where it goes instead."""
    petition = petition_of(case)
    authorise(case, actor, "reject")
    if channel not in Channel.values:
        raise ValidationFailed(_("Choose where the matter goes instead."), field="channel")
    case_services.case_reject(case=case, actor=actor, reason=_(CHANNEL_REASONS[channel]))
    Petition.objects.filter(pk=petition.pk).update(declined_to=channel)
    petition.declined_to = channel
    return petition


@transaction.atomic
def petition_merge(*, actor, case: Case, original_number: str) -> Petition:
    """Merge a petition into an earlier one about the same matter: its petitioner follows the
    earlier one's reply."""
    petition = petition_of(case)
    authorise(case, actor, "merge")
    number = str(original_number or "").strip().upper()
    original = (
        Case.objects.visible_to(actor).filter(case_type=case.case_type, number=number).first()
        if number and len(number) <= 32
        else None
    )
    if original is None:
        raise ValidationFailed(
            _("No petition with this number that you can see."), field="original"
        )
    case_services.case_merge_duplicate(case=case, actor=actor, original=original)
    return petition


@transaction.atomic
def petition_publish(*, actor, case: Case, question, answer) -> Petition:
    """Publish the question and the answer on the public Q&A page, as the publisher edited them
    (personal details removed); only with the petitioner's consent, once it is closed."""
    petition = petition_of(case)
    if not holds(case, actor, DISPATCHER):
        raise PermissionDenied(_("Only the petition's community, street or district publish it."))
    if not petition.publish_consent:
        raise IllegalTransition(_("The petitioner did not agree to publish this petition."))
    if case.status != Status.CLOSED:
        raise IllegalTransition(_("Only a closed petition is published."))
    question = clean_text(
        question,
        field="question",
        required=_("Write the question as the public will read it."),
        max_length=PUBLIC_TEXT_MAX,
    )
    answer = clean_text(
        answer,
        field="answer",
        required=_("Write the answer as the public will read it."),
        max_length=PUBLIC_TEXT_MAX,
    )
    now = timezone.now()
    Petition.objects.filter(pk=petition.pk).update(
        public_question=question, public_answer=answer, published_at=now, published_by=actor
    )
    petition.public_question, petition.public_answer = question, answer
    petition.published_at, petition.published_by = now, actor
    return petition


@transaction.atomic
def petition_unpublish(*, actor, case: Case) -> Petition:
    petition = petition_of(case)
    if not holds(case, actor, DISPATCHER):
        raise PermissionDenied(_("Only the petition's community, street or district publish it."))
    Petition.objects.filter(pk=petition.pk).update(published_at=None, published_by=None)
    petition.published_at = petition.published_by = None
    return petition


def petitions_urge_overdue(now=None) -> int:
    """催办: every petition past its reply deadline and not replied to is urged, at most once a
    day, in the platform's name; whoever holds it is told (the engine's urge). Idempotent within
    the day. Returns how many were urged."""
    now = now or timezone.now()
    overdue = Case.objects.filter(
        case_type__code=PETITION_CODE,
        status__in=HANDLING_RUNNING,
        resolve_by__lt=now,
    ).exclude(last_urged_at__gt=now - URGE_EVERY)
    urged = 0
    for case in overdue.select_related("case_type", "category").iterator():
        try:
            case_services.case_urge_automatically(
                case=case, note=_("The reply is overdue: the platform urges it.")
            )
        except IllegalTransition:  # it moved on while the sweep ran
            continue
        urged += 1
    return urged
