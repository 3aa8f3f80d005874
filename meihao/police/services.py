"""Writes of the community police: a resident sends a tip or hazard to their block's officer
(from the police page or from one of the officer's groups), the officer looks into it and
closes it with what came of it; the reporter is told only that it was handled."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.cases import services as case_services
from meihao.cases.access import authorise
from meihao.cases.classes import active_type, minor_class
from meihao.cases.models import Case
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.people.selectors import own_person
from meihao.police.models import ACTION_NOTE_MAX, TIP_CODE, TIP_MAX, Block, PoliceGroup, Tip


def block_of_home(person) -> Block | None:
    """The block holding the person's home grid."""
    if person is None or person.home_place_id is None:
        return None
    return (
        Block.objects.filter(grids=person.home_place_id).select_related("officer", "street").first()
    )


def tip_of(case: Case) -> Tip:
    tip = Tip.objects.filter(case=case).first()
    if tip is None:
        raise NotFound(_("No such tip."))
    return tip


def tip_send(
    *,
    actor,
    kind: str,
    description,
    photos=(),
    lat=None,
    lon=None,
    share_identity: bool = False,
    group: PoliceGroup | None = None,
    idempotency_key: str | None = None,
) -> Tip:
    """A resident sends a tip or hazard (可疑线索 / 安全隐患) to their block's officer: a TIP
    case at their home (or at the point they mark), routed to the officer at once. From a
    police group, the group's block and officer (the caller checks the sender is a member)."""
    person = own_person(actor)
    if person is None:
        raise ValidationFailed(
            _("Enter your real-name details first: the officer needs to know who sends a tip."),
            code="no_person",
        )
    block = group.block if group is not None else block_of_home(person)
    officer = group.officer if group is not None else getattr(block, "officer", None)
    if block is None or officer is None or not officer.is_active:
        raise ValidationFailed(
            _("Your block has no community police officer on the platform; call 110 if urgent."),
            code="no_officer",
        )
    case_type = active_type(TIP_CODE)
    if case_type is None:
        raise ValidationFailed(_("Tips are not taken at the moment; call 110 if urgent."))
    category = minor_class(case_type, code=str(kind or ""))
    if category is None or not category.is_active:
        raise ValidationFailed(_("Choose what the tip is about."), field="kind")
    description = clean_text(
        description,
        field="description",
        required=_("Say what you saw, and where."),
        max_length=TIP_MAX,
    )
    point = _point(lat, lon)
    with transaction.atomic():
        case = case_services.case_submit(
            actor=actor,
            case_type=case_type,
            category=category,
            description=description,
            place=None if point else person.home_place,
            lat=point[0] if point else None,
            lon=point[1] if point else None,
            channel=Case.Channel.POLICE_GROUP if group is not None else Case.Channel.RESIDENT,
            reporter=person,
            photos=photos,
            idempotency_key=idempotency_key,
            filed_by_app=True,
        )
        tip = Tip.objects.filter(case=case).first()
        if tip is not None:
            return tip  # sent twice: the first one stands
        tip = Tip.objects.create(
            case=case,
            block=block,
            group=group,
            place_path=case.place_path,
            identity_shared=bool(share_identity),
            created_at=case.created_at,
        )
        case_services.case_route(case=case, user=officer, note="")
    return tip


def _point(lat, lon) -> tuple[float, float] | None:
    """Where the reporter marked it, if they did (else their home)."""
    if lat in (None, "") and lon in (None, ""):
        return None
    try:
        point = float(lat), float(lon)
    except (TypeError, ValueError):
        point = None
    if point is None or not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        raise ValidationFailed(_("The place marked on the map is not valid."), field="location")
    return point


def _note(value) -> str:
    return clean_text(
        value,
        field="note",
        required=_("Write what you did (for the police record; the reporter does not see it)."),
        max_length=ACTION_NOTE_MAX,
    )


def tip_start(*, actor, case: Case) -> Case:
    """The officer is looking into it (the clock of time to action stops)."""
    authorise(case, actor, "start")
    tip = tip_of(case)
    with transaction.atomic():
        case = case_services.case_start(case=case, actor=actor)
        Tip.objects.filter(pk=tip.pk, acted_at__isnull=True).update(acted_at=timezone.now())
    return case


def tip_close(*, actor, case: Case, outcome, note) -> Case:
    """The officer closes the tip with what came of it (acted on, nothing found, passed on) and
    a note for the police record: the engine's report-back and close in one step, since a tip
    has no one else to check it. The reporter is told it was handled, nothing more."""
    authorise(case, actor, "report_back")
    tip = tip_of(case)
    if outcome not in Tip.Outcome.values:
        raise ValidationFailed(_("Choose what came of the tip."), field="outcome")
    note = _note(note)
    now = timezone.now()
    with transaction.atomic():
        case = case_services.case_report_back(case=case, actor=actor, note=note)
        case = case_services.case_verify_close(case=case, actor=actor)
        Tip.objects.filter(pk=tip.pk).update(outcome=outcome)
        Tip.objects.filter(pk=tip.pk, acted_at__isnull=True).update(acted_at=now)
    return case
