"""Writes of 门前三包: pledges entered by the place's workers, checks by grid workers (on patrol,
the check belongs to the patrol), and the grid case a failed check files for the frontage."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.cases.catalogue import GRID_TYPE
from meihao.cases.classes import active_type, minor_class
from meihao.cases.models import Case
from meihao.cases.services.submission import case_submit
from meihao.core.audit import audit_change
from meihao.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text, parse_date, parse_id
from meihao.core.roles import PLACE_WORKERS, Role
from meihao.core.scoping import covers
from meihao.frontage.models import NAME_MAX, NOTE_MAX, Check, Pledge
from meihao.patrols.models import PatrolSession
from meihao.places.models import Level, Place

CHECKERS = frozenset({Role.GRID_WORKER})
# The grid case's minor class for what failed, the first failed item deciding: dirty frontage,
# goods out on the pavement, green belt damaged (cases/data/case-classes.csv).
CASE_CLASS = {Check.Item.CLEAN: "0105", Check.Item.ORDERLY: "0503", Check.Item.GREEN: "1302"}


def pledge_create(*, actor, grid_id, name, address, signer, signed_on) -> Pledge:
    grid = Place.objects.filter(pk=parse_id(grid_id), level=Level.GRID).first()
    if grid is None or not covers(actor, grid.path, PLACE_WORKERS):
        raise ValidationFailed(_("Choose a grid of your area."), field="grid")
    name = clean_text(
        name, field="name", required=_("Give the shop's or household's name."), max_length=NAME_MAX
    )
    address = clean_text(address, field="address", required=_("Give the address."), max_length=200)
    signer = clean_text(signer, field="signer", required=_("Who signed the pledge?"), max_length=40)
    day = parse_date(signed_on)
    if day is None or day > timezone.localdate():
        raise ValidationFailed(
            _("Give the day it was signed (not in the future)."), field="signed_on"
        )
    with transaction.atomic():
        pledge = Pledge.objects.create(
            name=name,
            grid=grid,
            place_path=grid.path,
            address=address,
            signer=signer,
            signed_on=day,
            created_by=actor,
        )
        audit_change(actor=actor, action="frontage.pledge", target=pledge)
    return pledge


def pledge_withdraw(*, actor, pledge: Pledge) -> Pledge:
    if not covers(actor, pledge.place_path, PLACE_WORKERS):
        raise NotFound()
    if pledge.withdrawn_on is not None:
        raise IllegalTransition(_("This pledge is already withdrawn."))
    with transaction.atomic():
        pledge.withdrawn_on = timezone.localdate()
        pledge.save(update_fields=["withdrawn_on"])
        audit_change(actor=actor, action="frontage.withdraw", target=pledge)
    return pledge


def check_record(*, actor, pledge: Pledge, passed: bool, failed=(), note="", photos=()) -> Check:
    """A grid worker's check; a failed one files a grid case (patrol channel) for the frontage,
    in the worker's name, and links it."""
    if not covers(actor, pledge.place_path, PLACE_WORKERS):
        raise NotFound()
    if not covers(actor, pledge.place_path, CHECKERS):
        raise PermissionDenied(_("The grid's workers check frontages."))
    if pledge.withdrawn_on is not None:
        raise IllegalTransition(_("This pledge is withdrawn."))
    failed = [item for item in Check.Item.values if item in set(failed or ())]
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    if passed and failed:
        raise ValidationFailed(_("A check passes, or names what failed; not both."), field="failed")
    if not passed and not failed:
        raise ValidationFailed(_("Tick what is not kept: clean, orderly or green."), field="failed")
    patrol = PatrolSession.objects.active().filter(worker=actor).first()
    now = timezone.now()
    with transaction.atomic():
        check = Check.objects.create(
            pledge=pledge,
            checked_at=now,
            checker=actor,
            patrol=patrol,
            passed=passed,
            failed=",".join(failed),
            note=note,
            place_path=pledge.place_path,
        )
        if not passed:
            check.case = _file_case(actor, pledge, check, photos)
            check.save(update_fields=["case"])
        Pledge.objects.filter(pk=pledge.pk).update(
            last_checked_on=timezone.localdate(now), last_passed=passed
        )
        audit_change(
            actor=actor,
            action="frontage.check",
            target=check,
            changes={"passed": [None, str(passed)]},
        )
    return check


def _file_case(actor, pledge: Pledge, check: Check, photos) -> Case:
    case_type = active_type(GRID_TYPE["code"])
    category = (
        minor_class(case_type, code=CASE_CLASS[check.failed.split(",")[0]]) if case_type else None
    )
    if case_type is None or category is None or not category.is_active:
        raise ValidationFailed(_("Grid cases are not taken at the moment."))
    failed = "、".join(str(label) for label in check.failed_items)
    description = _("门前三包 check failed at %(name)s (%(address)s): not %(failed)s.") % {
        "name": pledge.name,
        "address": pledge.address,
        "failed": failed,
    }
    if check.note:
        description = f"{description} {check.note}"
    return case_submit(
        actor=actor,
        case_type=case_type,
        category=category,
        description=description,
        place=pledge.grid,
        address=pledge.address,
        channel=Case.Channel.GRID_PATROL,
        reporter=getattr(actor, "person", None),
        photos=photos,
    )
