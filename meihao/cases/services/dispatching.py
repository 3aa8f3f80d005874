"""The dispatcher's actions: accept, dispatch, reject, merge; and the claimer's claim."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.cases.access import (
    authorise,
)
from meihao.cases.extensions import check_dispatch
from meihao.cases.models import (
    Case,
    CaseFollower,
    Status,
)
from meihao.cases.services.step import (
    acting_user,
    apply_transition,
    clean_text,
    dispatch_changes,
    stop_response_clock,
)
from meihao.core.errors import (
    NotFound,
    ValidationFailed,
)


@transaction.atomic
def case_accept(*, case: Case, actor, note: str = "") -> Case:
    """立案: the dispatcher accepts the case as valid."""
    authorise(case, actor, "accept")
    return apply_transition(case, actor, "accept", note=clean_text(note, field="note"))


@transaction.atomic
def case_dispatch(
    *, case: Case, actor, organisation=None, team=None, user=None, note: str = ""
) -> Case:
    """派遣 (or reassign): hand the case to a department, one of its teams, or a person.

    Dispatching a submitted case accepts it in the same step. The handling clock starts at the
    first dispatch and is not restarted by a reassignment.
    """
    authorise(case, actor, "dispatch")
    if organisation is None and team is None and user is None:
        raise ValidationFailed(
            _("Choose a department, team or person to dispatch to."), field="organisation"
        )
    if team is not None:
        if organisation is None:
            organisation = team.organisation
        elif team.organisation_id not in (None, organisation.pk):
            raise ValidationFailed(
                _("The team does not belong to the chosen department."), field="team"
            )
    if organisation is not None and not case.place_path.startswith(organisation.place_path):
        raise ValidationFailed(
            _("%(organisation)s does not serve the place of this case.")
            % {"organisation": organisation.name},
            field="organisation",
        )
    check_dispatch(case, organisation=organisation, team=team, user=user)
    note = clean_text(note, field="note")
    now = timezone.now()
    changes = dispatch_changes(case, organisation, team, user, now)
    data = {
        "organisation": getattr(organisation, "pk", None),
        "team": getattr(team, "pk", None),
        "user": getattr(user, "pk", None),
    }
    return apply_transition(case, actor, "dispatch", changes=changes, note=note, data=data, now=now)


@transaction.atomic
def case_route(*, case: Case, organisation=None, team=None, user=None, note: str) -> Case:
    """Dispatch in the platform's name, with no dispatcher: a type routed automatically by class
    and place at submission, or an app handing a case it filed to the body it concerns (a 差评's
    rectification to the body rated). The type's dispatch check still applies."""
    check_dispatch(case, organisation=organisation, team=team, user=user)
    now = timezone.now()
    changes = dispatch_changes(case, organisation, team, user, now)
    data = {
        "organisation": getattr(organisation, "pk", None),
        "team": getattr(team, "pk", None),
        "user": getattr(user, "pk", None),
        "auto": True,
    }
    return apply_transition(case, None, "dispatch", changes=changes, note=note, data=data, now=now)


@transaction.atomic
def case_claim(*, case: Case, actor, note: str = "") -> Case:
    """认领: take a case of a claim-mode type from the pool and become its handler.

    Two people claiming at once: the version check lets exactly one win.
    """
    authorise(case, actor, "claim")
    note = clean_text(note, field="note")
    now = timezone.now()
    changes = dispatch_changes(case, None, None, acting_user(actor), now)
    return apply_transition(
        case, actor, "claim", changes=changes, note=note, data={"user": actor.pk}, now=now
    )


@transaction.atomic
def case_reject(*, case: Case, actor, reason: str) -> Case:
    """不予受理: refuse the case, with a reason the reporter will see."""
    authorise(case, actor, "reject")
    reason = clean_text(reason, field="reason", required=_("Give a reason for rejecting it."))
    now = timezone.now()
    return apply_transition(
        case, actor, "reject", changes=stop_response_clock(case, now), note=reason, now=now
    )


@transaction.atomic
def case_merge_duplicate(*, case: Case, actor, original: Case, note: str = "") -> Case:
    """Merge `case` into `original` as a duplicate; its followers follow the original."""
    authorise(case, actor, "merge")
    if not Case.objects.visible_to(actor).filter(pk=original.pk).exists():
        raise NotFound(_("No such case."))
    if original.pk == case.pk:
        raise ValidationFailed(_("A case cannot duplicate itself."), field="original")
    if original.case_type_id != case.case_type_id:
        raise ValidationFailed(
            _("A case can only duplicate a case of the same type."), field="original"
        )
    if original.status in (Status.DUPLICATE, Status.REJECTED, Status.VOID):
        raise ValidationFailed(
            _("The original case is itself rejected, void or a duplicate."), field="original"
        )
    now = timezone.now()
    changes = {"duplicate_of": original, **stop_response_clock(case, now)}
    case = apply_transition(
        case,
        actor,
        "merge",
        changes=changes,
        note=clean_text(note, field="note"),
        data={"original": original.number},
        now=now,
    )
    followers = CaseFollower.objects.filter(case=case).values_list("user_id", flat=True)
    CaseFollower.objects.bulk_create(
        [CaseFollower(case=original, user_id=u, created_at=now) for u in followers],
        ignore_conflicts=True,
    )
    return case
