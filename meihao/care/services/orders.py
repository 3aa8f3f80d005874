"""Every write of home care's orders: placing one (or a one-tap help call), taking it from the
offers (抢单) or assigning it (指派), checking in and out at the elder's home, confirming and
paying it, cancelling it, and what a rating does.

An order is a CARE case (cases engine) with its `CareOrder`; the engine decides who may take
each step and keeps the timeline, the clocks and the notices of every case. Paying is the case
type's close effect: confirming the service pays it, or nothing is confirmed.
"""

import datetime
import math

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.care.eligibility import (
    certified,
    eligible_providers,
    providers_near,
    staff_overlapping,
)
from meihao.care.models import (
    CareOffer,
    CareOrder,
    CareService,
    Family,
    Provider,
    ProviderStaff,
    Settlement,
)
from meihao.care.vouchers import estimate, policy_for, share_cents, split_of
from meihao.cases.access import can_view, is_requester
from meihao.cases.extensions import detail_url
from meihao.cases.models import Case, CaseType
from meihao.cases.services import (
    case_claim,
    case_dispatch,
    case_report_back,
    case_start,
    case_submit,
    case_verify_close,
)
from meihao.cases.services.step import apply_transition
from meihao.cases.states import Status
from meihao.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.roles import ELDER_CARE, Role
from meihao.core.scoping import covers, users_covering
from meihao.eldercare.family import acted_person_ids
from meihao.eldercare.models import Elder, FamilyLink
from meihao.ledger.models import Account, Transfer, Unit
from meihao.ledger.services import (
    account_for_organisation,
    account_for_person,
    ledger_transfer,
)
from meihao.notify.kinds import register_kind
from meihao.notify.services import notify_enqueue

CARE_CODE = "CARE"
NOTE_MAX = 200
# Cancelling is possible until the provider arrives.
CANCELLABLE = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.DISPATCHED})
# A second tap on the help button within this time returns the call already made.
HELP_CALL_REPEAT = datetime.timedelta(minutes=30)

register_kind("care_order_offered", label=gettext_lazy("A care order near us is offered"))
register_kind("care_help_call", label=gettext_lazy("An elder I look after calls for help"))


def care_type() -> CaseType:
    return CaseType.objects.get(code=CARE_CODE)


def order_of(case: Case) -> CareOrder:
    order = CareOrder.objects.select_related("service", "elder__person").filter(case=case).first()
    if order is None:
        raise NotFound(_("No such order."))
    return order


def handling_limit(case) -> tuple[int, str]:
    """The handling clock of an order, started when it is taken: it is due an hour after the
    service it orders should end (whole hours, at least one)."""
    order = CareOrder.objects.filter(case=case).values_list("ends_at", flat=True).first()
    if order is None:
        return case.case_type.handling_limit, case.case_type.handling_unit
    seconds = (order + datetime.timedelta(hours=1) - timezone.now()).total_seconds()
    return max(1, math.ceil(seconds / 3600)), "hours"


# ---------------------------------------------------------------------------------------------
# Who orders


def may_order_for(actor, elder: Elder) -> bool:
    """The elder themself, a family member acting for them, or the care staff of their home."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if elder.person.user_id is not None and elder.person.user_id == actor.pk:
        return True
    if elder.person_id in acted_person_ids(actor):
        return True
    return covers(actor, elder.place_path, ELDER_CARE)


def home_point(elder: Elder) -> tuple[float, float] | None:
    building = elder.person.building
    if building is None or building.lat is None or building.lon is None:
        return None
    return building.lat, building.lon


def _checked_start(starts_at, now) -> datetime.datetime:
    if not isinstance(starts_at, datetime.datetime) or timezone.is_naive(starts_at):
        raise ValidationFailed(_("Choose the day and time of the service."), field="starts_at")
    if starts_at < now - datetime.timedelta(minutes=5):
        raise ValidationFailed(
            _("That time has passed. Choose a time from now on."), field="starts_at"
        )
    ahead = settings.CARE_ORDER_AHEAD_DAYS
    if starts_at > now + datetime.timedelta(days=ahead):
        raise ValidationFailed(
            _("Orders are taken up to %(days)s days ahead.") % {"days": ahead}, field="starts_at"
        )
    return starts_at


def _orderable(service) -> CareService:
    if not isinstance(service, CareService) or not service.is_active:
        raise ValidationFailed(_("Choose a service."), field="service")
    if service.is_activity:
        raise ValidationFailed(
            _("%(service)s is an activity: sign up for one on the activities page.")
            % {"service": service.name},
            field="service",
        )
    return service


def _file(*, actor, elder, service, starts_at, note, urgent, idempotency_key, offers):
    """The case, its order and its offers, in the caller's transaction."""
    person = elder.person
    building = person.building
    lat, lon = home_point(elder)
    staff_ordering = not is_self_or_family(actor, elder)
    case = case_submit(
        actor=actor,
        case_type=care_type(),
        # Not the elder's name: the provider's staff read the case once it is closed, too.
        description=service.name + (f"：{note}" if note else ""),
        place=person.home_place,
        lat=lat,
        lon=lon,
        address=(building.address or building.name) if building else "",
        channel=Case.Channel.COUNTER if staff_ordering else Case.Channel.RESIDENT,
        priority=Case.Priority.URGENT if urgent else Case.Priority.NORMAL,
        reporter=person,
        idempotency_key=idempotency_key,
        filed_by_app=True,
    )
    existing = CareOrder.objects.filter(case=case).first()
    if existing is not None:
        return existing, False  # the same order sent again
    split = estimate(elder, service)
    local = timezone.localtime(starts_at)
    order = CareOrder.objects.create(
        case=case,
        elder=elder,
        service=service,
        place_path=elder.place_path,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=service.duration_minutes),
        price_cents=service.price_cents,
        voucher_cents=split.voucher_cents,
        own_cents=split.own_cents,
        urgent=urgent,
        note=note,
        ordered_by=actor,
        month=local.date().replace(day=1),
    )
    CareOffer.objects.bulk_create(
        [
            CareOffer(order=order, provider_id=o.provider_id, distance_m=round(o.distance_m))
            for o in offers
        ]
    )
    return order, True


def is_self_or_family(actor, elder: Elder) -> bool:
    return (
        elder.person.user_id is not None and elder.person.user_id == actor.pk
    ) or elder.person_id in acted_person_ids(actor)


def staff_users(provider_ids, *, on_duty_only: bool = False) -> list:
    """The log-ins of the active staff of the providers (those on duty only, if asked)."""
    staff = ProviderStaff.objects.filter(
        provider_id__in=provider_ids, is_active=True, person__user__isnull=False
    ).select_related("person__user")
    if on_duty_only:
        staff = staff.filter(on_duty=True)
    return [s.person.user for s in staff]


def _tell_offered(order: CareOrder, offers) -> None:
    local = timezone.localtime(order.starts_at)
    notify_enqueue(
        recipients=staff_users([o.provider_id for o in offers]),
        kind="care_order_offered",
        subject=gettext_lazy("New order near you: {{ service }}"),
        body=gettext_lazy(
            "{{ service }} for an elder nearby on {{ day }} at {{ time }}. Take it if you can."
        ),
        link=detail_url(order.case),
        target=order.case,
        idempotency_key=f"care:{order.case_id}:offered",
        context={
            "service": order.service.name,
            "day": local.date().isoformat(),
            "time": local.strftime("%H:%M"),
        },
    )


def order_place(
    *,
    actor,
    elder: Elder,
    service: CareService,
    starts_at: datetime.datetime,
    note: str = "",
    idempotency_key: str | None = None,
) -> CareOrder:
    """Order `service` for `elder` at `starts_at`: a CARE case offered to the nearest eligible
    providers (care.eligibility), whose staff are told at once. Refused, with nothing written,
    for a time past or too far ahead, an activity, a home with no position, or no provider
    serving the home at that hour."""
    if not may_order_for(actor, elder):
        raise NotFound(_("No such elder."))
    service = _orderable(service)
    starts_at = _checked_start(starts_at, timezone.now())
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    point = home_point(elder)
    if point is None:
        raise ValidationFailed(
            _("The elder's home has no position on the map yet; ask the community to set it.")
        )
    offers = providers_near(
        service=service,
        place_path=elder.place_path,
        lat=point[0],
        lon=point[1],
        at=starts_at,
        limit=settings.CARE_OFFERED_PROVIDERS,
    )
    if not offers:
        raise ValidationFailed(
            _(
                "No provider near the elder offers %(service)s at that time. Choose another "
                "time, or call the community."
            )
            % {"service": service.name},
            field="starts_at",
        )
    with transaction.atomic():
        order, new = _file(
            actor=actor,
            elder=elder,
            service=service,
            starts_at=starts_at,
            note=note,
            urgent=False,
            idempotency_key=idempotency_key,
            offers=offers,
        )
        if new:
            _tell_offered(order, offers)
    return order


def help_service() -> CareService:
    service = CareService.objects.filter(family=Family.EMERGENCY, is_active=True).first()
    if service is None:
        raise ValidationFailed(_("One-tap help is not set up; call the community."))
    return service


def order_help_call(*, actor, elder: Elder) -> CareOrder:
    """一键呼叫: an urgent help order now, offered to the providers on call near the elder; the
    family acting for the elder, the grid workers of the home and the on-duty staff of those
    providers are told at once. A second tap while a call is open returns it."""
    if not may_order_for(actor, elder):
        raise NotFound(_("No such elder."))
    now = timezone.now()
    recent = (
        CareOrder.objects.filter(elder=elder, urgent=True, starts_at__gte=now - HELP_CALL_REPEAT)
        .exclude(case__status__in=[Status.CLOSED, Status.VOID, Status.REJECTED])
        .first()
    )
    if recent is not None:
        return recent
    if home_point(elder) is None:
        raise ValidationFailed(
            _("The elder's home has no position on the map yet; ask the community to set it.")
        )
    service = help_service()
    lat, lon = home_point(elder)
    offers = providers_near(
        service=service,
        place_path=elder.place_path,
        lat=lat,
        lon=lon,
        urgent=True,
        limit=settings.CARE_OFFERED_PROVIDERS,
    )
    with transaction.atomic():
        order, _new = _file(
            actor=actor,
            elder=elder,
            service=service,
            starts_at=now,
            note="",
            urgent=True,
            idempotency_key=None,
            offers=offers,
        )
        family = [
            link.user
            for link in FamilyLink.objects.filter(
                elder=elder, ended_at__isnull=True
            ).select_related("user")
        ]
        recipients = (
            family
            + users_covering(elder.place_path, {Role.GRID_WORKER})
            + staff_users([o.provider_id for o in offers], on_duty_only=True)
        )
        building = elder.person.building
        notify_enqueue(
            recipients=[u for u in recipients if u.pk != actor.pk],
            kind="care_help_call",
            subject=gettext_lazy("{{ name }} calls for help"),
            body=gettext_lazy(
                "{{ name }} pressed the help button at {{ time }}. Address: {{ address }}. "
                "Please call or go at once."
            ),
            link=detail_url(order.case),
            target=order.case,
            idempotency_key=f"care:{order.case_id}:help",
            context={
                "name": elder.person.real_name,
                "time": timezone.localtime(now).strftime("%H:%M"),
                "address": (building.address or building.name) if building else "",
            },
        )
    return order


# ---------------------------------------------------------------------------------------------
# Taking an order


def _check_staff(order: CareOrder, staff: ProviderStaff) -> None:
    """The refusals that keep a staff member from an order, in the order people read them."""
    service = order.service
    if not staff.is_active:
        raise ValidationFailed(_("%(name)s no longer works for the provider.") % {"name": staff})
    if not staff.has_skill(service.skill):
        raise ValidationFailed(
            _("%(name)s does not offer the skill this service needs.") % {"name": staff},
            field="staff",
        )
    day = timezone.localtime(order.starts_at).date()
    if not certified(staff, service.skill, day):
        raise ValidationFailed(
            _("%(name)s has no certificate in date for this service on %(day)s.")
            % {"name": staff, "day": day.isoformat()},
            field="staff",
        )
    clash = staff_overlapping(
        staff, order.starts_at, order.ends_at, exclude_case=order.case
    ).first()
    if clash is not None:
        raise ValidationFailed(
            _("%(name)s already has an order at that time (%(number)s).")
            % {"name": staff, "number": clash.case.number},
            field="staff",
        )


def _own_staff(actor, order: CareOrder) -> ProviderStaff:
    """The actor's staff record at one of the providers the order is offered to."""
    staff = (
        ProviderStaff.objects.filter(
            person__user_id=actor.pk,
            is_active=True,
            provider__offers__order=order,
        )
        .select_related("person", "provider")
        .first()
    )
    if staff is None:
        raise NotFound(_("No such order."))
    return staff


@transaction.atomic
def order_take(*, actor, order: CareOrder) -> CareOrder:
    """抢单: a staff member of a provider the order was offered to takes it. The first to take
    it wins (the engine's version check); the others are told it is gone."""
    staff = _own_staff(actor, order)
    _check_staff(order, staff)
    case_claim(case=order.case, actor=actor)
    return _taken(order, staff, CareOrder.TakenBy.GRABBED)


def _taken(order: CareOrder, staff: ProviderStaff, how: str) -> CareOrder:
    order.provider = staff.provider
    order.staff = staff
    order.taken_by = how
    order.taken_at = timezone.now()
    order.save(update_fields=["provider", "staff", "taken_by", "taken_at"])
    return order


@transaction.atomic
def order_assign(*, actor, order: CareOrder, staff: ProviderStaff) -> CareOrder:
    """指派: the officials of the elder's home give the order to a staff member of an eligible
    provider (the engine's dispatch; the dispatch check below decides who is eligible)."""
    if staff.person.user_id is None:
        raise ValidationFailed(
            _("%(name)s has no log-in to receive orders.") % {"name": staff}, field="staff"
        )
    case_dispatch(case=order.case, actor=actor, user=staff.person.user)
    return _taken(order, staff, CareOrder.TakenBy.ASSIGNED)


def dispatch_check(*, case, organisation, team, user) -> None:
    """A CARE order goes to a person: an active staff member of a provider that may serve it
    (it offers the item, serves the elder's home and was offered the order, or is eligible
    now), with the skill, a certificate in date and no other order at that time."""
    if organisation is not None or team is not None or user is None:
        raise ValidationFailed(
            _("An order is given to a provider's staff member."), field="organisation"
        )
    order = order_of(case)
    eligible = eligible_providers(
        service=order.service, place_path=order.place_path, urgent=order.urgent
    )
    staff = (
        ProviderStaff.objects.filter(person__user=user, provider__in=eligible)
        .select_related("person", "provider")
        .first()
    )
    if staff is None:
        raise ValidationFailed(
            _("%(name)s works for no provider serving this elder with this service.")
            % {"name": user.name or user.phone},
            field="staff",
        )
    _check_staff(order, staff)


# ---------------------------------------------------------------------------------------------
# On site, confirmation and payment


@transaction.atomic
def order_check_in(*, actor, order: CareOrder, lat, lon) -> CareOrder:
    """The staff member arrives: the position must be at the elder's home (the type's on-site
    radius); the time is kept as evidence."""
    case_start(case=order.case, actor=actor, lat=lat, lon=lon)
    if order.checked_in_at is None:
        order.checked_in_at = timezone.now()
        order.save(update_fields=["checked_in_at"])
    return order


@transaction.atomic
def order_check_out(*, actor, order: CareOrder, lat, lon, note: str = "") -> CareOrder:
    """The staff member leaves, at the elder's home; the elder or family is asked to confirm."""
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    case_report_back(
        case=order.case, actor=actor, note=note or _("Service given."), lat=lat, lon=lon
    )
    order.checked_out_at = timezone.now()
    order.save(update_fields=["checked_out_at"])
    return order


def order_confirm(*, actor, order: CareOrder) -> CareOrder:
    """The elder, a family member or the officials confirm the service was given: the case
    closes and the order is paid (`order_pay`, the close effect), or neither."""
    case_verify_close(case=order.case, actor=actor)
    order.refresh_from_db()
    return order


def order_pay(*, case: Case, actor) -> None:
    """The CARE close effect: pay the provider. Vouchers pay the policy's share of the price as
    far as the elder's voucher balance goes (the account locked, so two confirmations at once
    on one allowance stay exact); the elder's own money pays the rest. Raises, undoing the
    confirmation, when the elder's money is short."""
    order = CareOrder.objects.select_related(
        "service", "elder__person", "provider__organisation"
    ).get(case=case)
    if order.paid_at is not None:
        return
    # An order paid after its service month was settled is settled with the month it is paid
    # in. The month's settlement row is locked, so that settling it waits for this payment (and
    # takes the order in) or has already happened (and the order moves on).
    of_month = (
        Settlement.objects.select_for_update()
        .filter(provider_id=order.provider_id, month=order.month)
        .first()
    )
    if of_month is not None and of_month.status == Settlement.Status.SETTLED:
        order.month = timezone.localdate().replace(day=1)
    if order.price_cents == 0:  # one-tap help and other free services
        order.voucher_cents = order.own_cents = 0
        order.paid_at = timezone.now()
        order.save(update_fields=["voucher_cents", "own_cents", "paid_at", "month"])
        return
    elder = order.elder
    vouchers = account_for_person(elder.person, Unit.VOUCHER)
    # The lock serialises payments from one allowance; SQLite's write lock does the same.
    vouchers = Account.objects.select_for_update().get(pk=vouchers.pk)
    share = share_cents(policy_for(elder), order.service)
    split = split_of(order.price_cents, share, vouchers.balance if share else 0)
    organisation = order.provider.organisation
    if split.voucher_cents:
        ledger_transfer(
            actor=actor,
            source=vouchers,
            target=account_for_organisation(organisation, Unit.VOUCHER),
            amount=split.voucher_cents,
            idempotency_key=f"care-voucher:{case.pk}",
            kind=Transfer.Kind.CARE_PAYMENT,
            cause=order,
            memo=case.number,
        )
    if split.own_cents:
        wallet = account_for_person(elder.person, Unit.CENTS)
        if wallet.balance < split.own_cents:
            raise ValidationFailed(
                _(
                    "The elder's own share is ¥%(own)s but the account holds ¥%(balance)s. "
                    "Top up at the community first, then confirm."
                )
                % {"own": yuan(split.own_cents), "balance": yuan(wallet.balance)},
                code="insufficient_balance",
            )
        ledger_transfer(
            actor=actor,
            source=wallet,
            target=account_for_organisation(organisation, Unit.CENTS),
            amount=split.own_cents,
            idempotency_key=f"care-own:{case.pk}",
            kind=Transfer.Kind.CARE_PAYMENT,
            cause=order,
            memo=case.number,
        )
    order.voucher_cents, order.own_cents = split.voucher_cents, split.own_cents
    order.paid_at = timezone.now()
    order.save(update_fields=["voucher_cents", "own_cents", "paid_at", "month"])


def yuan(cents: int) -> str:
    """¥ amount of `cents`, as people write it: 12, 12.5, 12.05."""
    whole, part = divmod(int(cents), 100)
    if not part:
        return str(whole)
    return f"{whole}.{part:02d}".rstrip("0")


@transaction.atomic
def order_cancel(*, actor, order: CareOrder, reason: str = "") -> CareOrder:
    """The elder, their family or the officials cancel an order before the provider arrives
    (the engine's void, authorised here); the staff who took it is told."""
    case = order.case
    if not can_view(case, actor):
        raise NotFound(_("No such order."))
    if not (is_requester(case, actor) or covers(actor, order.place_path, ELDER_CARE)):
        raise PermissionDenied(_("Only the elder, their family or the community may cancel."))
    if case.status not in CANCELLABLE:
        raise IllegalTransition(
            _("The provider has arrived; the order can no longer be cancelled.")
        )
    reason = clean_text(reason, field="reason", max_length=NOTE_MAX)
    apply_transition(case, actor, "void", note=reason or _("Cancelled."), notify=False)
    # Kept to tell a cancellation ahead of time from one made when the provider did not come.
    order.cancelled_at = timezone.now()
    order.save(update_fields=["cancelled_at"])
    if order.staff_id and order.staff.person.user_id:
        notify_enqueue(
            recipients=[order.staff.person.user],
            kind="care_order_offered",
            subject=gettext_lazy("Order {{ number }} is cancelled"),
            body=gettext_lazy("The order {{ number }} ({{ service }}) is cancelled."),
            link=detail_url(case),
            target=case,
            idempotency_key=f"care:{case.pk}:cancelled",
            context={"number": case.number, "service": order.service.name},
        )
    return order


def rating_effects(*, rating, case) -> None:
    """A rating of an order counts towards its provider's average."""
    order = CareOrder.objects.filter(case=case).first()
    if order is None:
        return
    if case.ratings.exclude(pk=rating.pk).exists():
        # The elder or one family member rates an order, once: the provider's average counts
        # each service once.
        raise ValidationFailed(
            _("This service has already been rated."), code="already_rated", field="score"
        )
    CareOrder.objects.filter(pk=order.pk).update(score=rating.score)
    if order.provider_id:
        Provider.objects.filter(pk=order.provider_id).update(
            rating_count=F("rating_count") + 1, rating_total=F("rating_total") + rating.score
        )
