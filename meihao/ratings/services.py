"""Every write of 好差评 beyond the rating itself (the engine's `case_rate`).

    a 差评 (1 or 2 stars) of an application, a petition or a counter visit → a rectification
    case for the body rated (routed to the department or person who handled it), due in
    RATING_RECTIFY_DAYS working days → the body reports the fix back → the rater confirms it,
    or a dispatcher calls them back and records their verdict (close), or they find it not
    fixed (reopen)
    the body may appeal the rating as mistaken → the district upholds the appeal (the rating no
    longer counts, the rectification is void) or dismisses it (the rectification goes on)

`rating_invitations` invites the requesters of finished services not rated within
RATING_INVITE_AFTER_DAYS days to rate them (a periodic job).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.cases import services as case_services
from meihao.cases.access import holds
from meihao.cases.extensions import detail_url
from meihao.cases.models import Case, CaseRating, CaseType, Status
from meihao.cases.states import HANDLER, TERMINAL_STATES
from meihao.core.errors import IllegalTransition, NotFound, PermissionDenied
from meihao.core.inputs import clean_text
from meihao.core.roles import Role
from meihao.core.scoping import covers, users_covering
from meihao.notify.kinds import register_kind
from meihao.notify.services import notify_enqueue
from meihao.ratings.models import (
    BAD_SCORES,
    RATED_TYPES,
    RECTIFY_CODE,
    AppealStatus,
    Rectification,
)

register_kind(
    "rating_invitation",
    label=gettext_lazy("Please rate a finished service"),
    audience={Role.RESIDENT},
)
register_kind(
    "rating_appeal",
    label=gettext_lazy("A poor rating is appealed"),
    audience={Role.DISTRICT_ADMIN},
)

REASON_MAX = 1000
# Invitations are sent for services closed in this window before the invitation's day: a
# service closed long ago is not brought up again.
INVITE_WINDOW = timedelta(days=14)


def rectification_of(case: Case) -> Rectification:
    found = (
        Rectification.objects.filter(case=case)
        .select_related("rating", "rated_case__case_type")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def rectification_open(*, rating: CaseRating, case: Case) -> Rectification | None:
    """A rating effect (cases.extensions): a 差评 opens a rectification for the body that
    handled the case — its department, else the person it was assigned to; with neither, the
    place's dispatchers route it."""
    if rating.score not in BAD_SCORES:
        return None
    rectify = CaseType.objects.get(code=RECTIFY_CODE)
    comment = f": {rating.comment}" if rating.comment else ""
    description = _("%(type)s %(number)s was rated “%(score)s”%(comment)s") % {
        "type": case.case_type.display_name,
        "number": case.number,
        "score": CaseRating.Score(rating.score).label,
        "comment": comment,
    }
    rectification_case = case_services.case_submit(
        actor=rating.rater,
        case_type=rectify,
        description=description,
        place=case.place,
        channel=Case.Channel.RESIDENT,
        reporter=case.reporter,
        filed_by_app=True,
    )
    rectification = Rectification.objects.create(
        rating=rating, rated_case=case, case=rectification_case, created_at=rating.created_at
    )
    organisation, user = case.assigned_organisation, case.assigned_user
    if organisation is not None or user is not None:
        case_services.case_route(
            case=rectification_case,
            organisation=organisation,
            user=None if organisation is not None else user,
            note=_("To the body rated, to rectify."),
        )
    return rectification


@transaction.atomic
def rectification_appeal(*, actor, case: Case, reason) -> Rectification:
    """申诉: the body rated says the rating is mistaken (it rates something the body does not
    answer for, or contradicts the record); the district reviews it."""
    rectification = rectification_of(case)
    if not holds(case, actor, HANDLER):
        raise PermissionDenied(_("Only the body rated may appeal the rating."))
    if rectification.appeal_status:
        raise IllegalTransition(_("This rating has already been appealed."))
    if case.status in TERMINAL_STATES:
        raise IllegalTransition(_("This rectification is finished."))
    reason = clean_text(
        reason,
        field="reason",
        required=_("Say why the rating is mistaken."),
        max_length=REASON_MAX,
    )
    now = timezone.now()
    Rectification.objects.filter(pk=rectification.pk).update(
        appeal_status=AppealStatus.PENDING, appeal_reason=reason, appealed_at=now, appealed_by=actor
    )
    rectification.appeal_status, rectification.appeal_reason = AppealStatus.PENDING, reason
    rectification.appealed_at, rectification.appealed_by = now, actor
    case_services.case_record_event(case=case, actor=actor, action="appeal", note=reason)
    notify_enqueue(
        recipients=list(users_covering(case.place_path, (Role.DISTRICT_ADMIN,))),
        kind="rating_appeal",
        subject=gettext_lazy("A poor rating is appealed: {{ number }}"),
        body=gettext_lazy("The body rated appeals the rating behind {{ number }}: {{ reason }}"),
        link=detail_url(case),
        target=case,
        idempotency_key=f"rectification:{rectification.pk}:appeal",
        context={"number": case.number, "reason": reason},
    )
    return rectification


def may_review(case: Case, user) -> bool:
    return covers(user, case.place_path, {Role.DISTRICT_ADMIN})


@transaction.atomic
def rectification_review(*, actor, case: Case, upheld: bool, note) -> Rectification:
    """The district decides the appeal: upheld, the rating no longer counts and the
    rectification is void; dismissed, the rectification goes on."""
    rectification = rectification_of(case)
    if not may_review(case, actor):
        raise PermissionDenied(_("Only the district reviews appeals."))
    if rectification.appeal_status != AppealStatus.PENDING:
        raise IllegalTransition(_("No appeal awaits review here."))
    note = clean_text(
        note, field="note", required=_("Give the reasons for the decision."), max_length=REASON_MAX
    )
    status = AppealStatus.UPHELD if upheld else AppealStatus.DISMISSED
    now = timezone.now()
    Rectification.objects.filter(pk=rectification.pk).update(
        appeal_status=status, review_note=note, reviewed_at=now, reviewed_by=actor
    )
    rectification.appeal_status, rectification.review_note = status, note
    rectification.reviewed_at, rectification.reviewed_by = now, actor
    if upheld:
        case_services.case_void(case=case, actor=actor, reason=note)
    else:
        case_services.case_record_event(
            case=case, actor=actor, action="appeal_dismissed", note=note
        )
    return rectification


def rating_invitations(now=None) -> int:
    """Invite the requester of every service (an application, a petition, a counter visit)
    closed RATING_INVITE_AFTER_DAYS ago or more (within INVITE_WINDOW) and not yet rated by
    them, once per service (the message's idempotency key): the resident it was for when they
    have a log-in (staff filed it for them at the counter), else whoever filed it. Returns how
    many services were considered."""
    now = now or timezone.now()
    due = now - timedelta(days=settings.RATING_INVITE_AFTER_DAYS)
    cases = (
        Case.objects.filter(
            case_type__code__in=RATED_TYPES,
            status=Status.CLOSED,
            closed_at__lte=due,
            closed_at__gt=due - INVITE_WINDOW,
        )
        .annotate(requester=Coalesce("reporter__user", "submitted_by"))
        .filter(requester__isnull=False)
        .exclude(ratings__rater_id=F("requester"))
        .select_related("case_type", "submitted_by", "reporter__user")
    )
    invited = 0
    for case in cases.iterator():
        requester = (
            case.reporter.user if case.reporter and case.reporter.user else case.submitted_by
        )
        notify_enqueue(
            recipients=[requester],
            kind="rating_invitation",
            subject=gettext_lazy("How was it? Rate {{ number }}"),
            body=gettext_lazy(
                "{{ number }} is finished. Please rate how it was handled, from 非常满意 to "
                "非常不满意: it takes a tap."
            ),
            link=detail_url(case),
            target=case,
            idempotency_key=f"rating-invitation:{case.pk}",
            context={"number": case.number},
        )
        invited += 1
    return invited
