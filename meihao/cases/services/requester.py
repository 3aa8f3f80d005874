"""The requester's own actions: "me too" (我也遇到), and the rating after closure."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.cases.access import (
    can_view,
    is_requester,
    may_submit,
)
from meihao.cases.extensions import rating_effects
from meihao.cases.models import (
    Case,
    CaseEvent,
    CaseFollower,
    CaseRating,
    Status,
)
from meihao.cases.publication import is_publicly_visible
from meihao.cases.services.step import acting_user
from meihao.cases.states import TERMINAL_STATES
from meihao.core.audit import audit_change
from meihao.core.errors import (
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from meihao.core.inputs import clean_text


def case_follow(*, case: Case, actor) -> Case:
    """我也遇到: follow an open case instead of filing a duplicate of it.

    Open to whoever may file this type of case, for published cases (cases.publication) or cases
    the actor can already see; the follower then sees the public representation. Following
    twice is a no-op; the first time adds a timeline entry so that the dispatcher sees how many
    people are affected.
    """

    if acting_user(actor) is None:
        raise PermissionDenied(_("Log in to follow a case."))
    if not (is_publicly_visible(case) or can_view(case, actor)):
        raise NotFound(_("No such case."))
    if not may_submit(case.case_type, actor):
        raise PermissionDenied(_("You may not file this kind of case."))
    if case.status in TERMINAL_STATES:
        raise ValidationFailed(
            _("This case is already finished; file a new report if the problem is back."),
            code="case_finished",
        )
    now = timezone.now()
    with transaction.atomic():
        _follower, created = CaseFollower.objects.get_or_create(
            case=case, user=actor, defaults={"created_at": now}
        )
        if created:
            CaseEvent.objects.create(
                case=case,
                actor=actor,
                created_at=now,
                action="follow",
                from_status=case.status,
                to_status=case.status,
            )
            audit_change(actor=actor, action="case.follow", target=case, changes={})
    return case


def case_rate(*, case: Case, actor, score, comment: str = "") -> CaseRating:
    """满意度评价: the reporter rates a closed case 1 (非常不满意) to 5 (非常满意), once."""

    if acting_user(actor) is None or not can_view(case, actor):
        raise NotFound(_("No such case."))
    if not is_requester(case, actor):
        raise PermissionDenied(_("Only the reporter may rate this case."))
    if case.status != Status.CLOSED:
        raise ValidationFailed(
            _("A case can be rated once it is closed."), code="not_closed", field="score"
        )
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if score not in CaseRating.Score.values:
        raise ValidationFailed(_("Choose a rating from 1 to 5."), field="score")
    comment = clean_text(comment, field="comment", max_length=500)
    now = timezone.now()
    try:
        with transaction.atomic():
            rating = CaseRating.objects.create(
                case=case, rater=actor, score=score, comment=comment, created_at=now
            )
            CaseEvent.objects.create(
                case=case,
                actor=actor,
                created_at=now,
                action="rate",
                from_status=case.status,
                to_status=case.status,
                note=comment,
                data={"score": score},
            )
            audit_change(
                actor=actor, action="case.rate", target=case, changes={"score": [None, score]}
            )
            effects = rating_effects(case.case_type.code)
            if effects is not None:
                effects(rating=rating, case=case)
    except IntegrityError:
        raise ValidationFailed(
            _("You have already rated this case."), code="already_rated", field="score"
        ) from None
    return rating
