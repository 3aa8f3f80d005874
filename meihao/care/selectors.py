"""Every read of home care, scoped to the asking user.

- An elder's page: the elder themself, a family member acting for them, the care staff of
  their home (`elder_for`).
- An order: whoever may see its case (the engine's `visible_to`: the elder and family, the
  staff of the providers it is offered to or who took it, the place's workers) (`order_get`).
- A provider's work: the open orders offered to the providers the user works for, and theirs.
- The officials' lists: orders and providers of their places, and a provider's record (late,
  not come, complained about).
"""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet, Sum

from meihao.care.claims import staff_provider_ids
from meihao.care.eligibility import eligible_providers
from meihao.care.models import (
    ACTIVITY_FAMILIES,
    CareOrder,
    CareService,
    Provider,
    ProviderStaff,
)
from meihao.cases.models import Case
from meihao.cases.states import CLAIMABLE_STATES, TERMINAL_STATES
from meihao.core.errors import NotFound
from meihao.core.inputs import parse_id
from meihao.core.roles import ELDER_CARE
from meihao.core.scoping import covers, scope_q
from meihao.eldercare.family import acted_person_ids
from meihao.eldercare.models import Elder
from meihao.insights.registry import Span

CARE_CODE = "CARE"
RECENT_SHOWN = 10


def elders_ordered_for(user) -> list[Elder]:
    """The elders whose page is the user's own: themself (if registered), then those they act
    for as family."""
    if not getattr(user, "is_authenticated", False):
        return []
    person_ids = set(acted_person_ids(user))
    own = Elder.objects.filter(person__user_id=user.pk).values_list("pk", flat=True).first()
    elders = list(
        Elder.objects.filter(Q(person_id__in=person_ids) | Q(person__user_id=user.pk))
        .select_related("person__home_place", "person__building")
        .order_by("pk")
    )
    elders.sort(key=lambda e: e.pk != own)
    return elders


def elder_for(user, pk) -> Elder:
    """The elder's care page, for the elder, their family or the care staff of their home."""
    pk = parse_id(pk)
    elder = (
        Elder.objects.select_related("person__home_place", "person__building", "person__user")
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if elder is None or not getattr(user, "is_authenticated", False):
        raise NotFound()
    if (
        elder.person.user_id == user.pk
        or elder.person_id in acted_person_ids(user)
        or covers(user, elder.place_path, ELDER_CARE)
    ):
        return elder
    raise NotFound()


def orderable_services() -> QuerySet[CareService]:
    return CareService.objects.filter(is_active=True).exclude(family__in=sorted(ACTIVITY_FAMILIES))


def activity_services() -> QuerySet[CareService]:
    return CareService.objects.filter(is_active=True, family__in=sorted(ACTIVITY_FAMILIES))


def _orders() -> QuerySet[CareOrder]:
    return CareOrder.objects.select_related(
        "case__case_type", "service", "provider__organisation", "staff__person", "elder__person"
    )


def orders_of_elder(elder: Elder) -> dict:
    """The elder's open orders (soonest first) and the last ones done or cancelled."""
    orders = _orders().filter(elder=elder)
    return {
        "open": list(orders.exclude(case__status__in=TERMINAL_STATES).order_by("starts_at", "pk")),
        "past": list(
            orders.filter(case__status__in=TERMINAL_STATES).order_by("-starts_at", "-pk")[
                :RECENT_SHOWN
            ]
        ),
    }


def order_get(user, number: str) -> CareOrder:
    case = (
        Case.objects.visible_to(user)
        .filter(number=number, case_type__code=CARE_CODE)
        .select_related("case_type")
        .first()
    )
    if case is None:
        raise NotFound()
    order = _orders().filter(case=case).first()
    if order is None:
        raise NotFound()
    order.case = case
    return order


def own_staff(user) -> list[ProviderStaff]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        ProviderStaff.objects.filter(person__user_id=user.pk, is_active=True).select_related(
            "provider__organisation"
        )
    )


def work_of(user) -> dict:
    """A provider's staff member's work: the orders offered to their providers still waiting,
    nearest first; theirs to do, soonest first; theirs done lately."""
    providers = staff_provider_ids(user)
    offered = (
        _orders()
        .filter(
            offers__provider_id__in=providers,
            case__status__in=CLAIMABLE_STATES,
        )
        .exclude(case__submitted_by_id=user.pk)
        .distinct()
        .order_by("-urgent", "starts_at", "pk")
    )
    mine = _orders().filter(case__assigned_user_id=user.pk)
    return {
        "offered": list(offered[:50]),
        "todo": list(mine.exclude(case__status__in=TERMINAL_STATES).order_by("starts_at", "pk")),
        "done": list(
            mine.filter(case__status__in=TERMINAL_STATES).order_by("-starts_at", "-pk")[
                :RECENT_SHOWN
            ]
        ),
    }


def orders_visible_to(user) -> QuerySet[CareOrder]:
    """The officials' list: the orders of the elders of their places."""
    if not getattr(user, "is_authenticated", False):
        return CareOrder.objects.none()
    if user.is_superuser:
        return _orders()
    return _orders().filter(scope_q(user, path_field="place_path", roles=ELDER_CARE))


def providers_visible_to(user) -> QuerySet[Provider]:
    return Provider.objects.visible_to(user).select_related("organisation")


def provider_get(user, pk) -> Provider:
    pk = parse_id(pk)
    provider = providers_visible_to(user).filter(pk=pk).first() if pk is not None else None
    if provider is None:
        raise NotFound()
    return provider


def eligible_staff(order: CareOrder) -> list[ProviderStaff]:
    """Who the officials may assign an order to: the active staff with the skill of the
    providers that may serve it, the offered ones first."""
    providers = eligible_providers(
        service=order.service, place_path=order.place_path, urgent=order.urgent
    )
    staff = ProviderStaff.objects.filter(
        provider__in=providers, is_active=True, person__user__isnull=False
    ).select_related("person", "provider__organisation")
    skill = order.service.skill
    offered = set(order.offers.values_list("provider_id", flat=True))
    rows = [s for s in staff if s.has_skill(skill)]
    rows.sort(key=lambda s: (s.provider_id not in offered, s.provider_id, s.pk))
    return rows[:100]


# What the officials weigh when they renew or suspend a provider: how it served lately.
RECORD_DAYS = 90


@dataclass(frozen=True)
class ProviderRecord:
    span: Span
    served: int  # orders due in the period it checked in at
    late: int  # of which later than the grace
    minutes_late: int  # their average lateness, whole minutes
    no_shows: int
    complaints: int

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * (self.served - self.late) / self.served) if self.served else None


def provider_record(provider: Provider, *, today) -> ProviderRecord:
    """The provider's last RECORD_DAYS days at the homes of its own place, counted from the
    records of the figures it links to (care.indicators: on time, no-shows, complaints, each
    ranked by provider)."""
    from meihao.care.indicators import complaints_made, orders_not_served, orders_on_time

    span = Span.of(provider.place_path, today - datetime.timedelta(days=RECORD_DAYS - 1), today)
    checked_in = orders_on_time(span).filter(provider=provider).order_by()
    late = checked_in.filter(in_numerator=False)
    lateness = late.aggregate(total=Sum(F("checked_in_at") - F("starts_at")))["total"]
    late_count = late.count()
    return ProviderRecord(
        span=span,
        served=checked_in.count(),
        late=late_count,
        minutes_late=round(lateness.total_seconds() / 60 / late_count) if late_count else 0,
        no_shows=orders_not_served(span).filter(provider=provider).count(),
        complaints=complaints_made(span).filter(provider=provider).count(),
    )
