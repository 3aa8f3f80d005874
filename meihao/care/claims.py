"""Who may take a CARE order from the pool (抢单): the active staff of the providers it was
offered to (a claim group, cases.extensions). The skill, certificate and timing checks come when
they take it (care.services.order_take)."""

from django.db.models import Exists, OuterRef, Q

from meihao.care.models import CareOffer, ProviderStaff
from meihao.cases.extensions import ClaimGroup


def staff_provider_ids(user) -> frozenset[int]:
    """The providers `user` works for, loaded once per request."""
    cached = getattr(user, "_meihao_care_providers", None)
    if cached is None:
        cached = frozenset(
            ProviderStaff.objects.filter(person__user_id=user.pk, is_active=True).values_list(
                "provider_id", flat=True
            )
        )
        user._meihao_care_providers = cached
    return cached


def _pool_q(user) -> Q:
    # Pure SQL (part of every Case.objects.visible_to): an offer of the case to a provider the
    # user works for.
    return Q(
        Exists(
            CareOffer.objects.filter(
                order_id=OuterRef("pk"),
                provider__staff__person__user_id=user.pk,
                provider__staff__is_active=True,
            )
        )
    )


def _may_claim(case, user) -> bool:
    providers = staff_provider_ids(user)
    return (
        bool(providers)
        and CareOffer.objects.filter(order_id=case.pk, provider_id__in=providers).exists()
    )


offered_providers_group = ClaimGroup(pool_q=_pool_q, may_claim=_may_claim)
