"""The reads of the pages where the officials manage providers, always scoped to the asking
user: the organisations they may register, the places a provider may serve, the person a staff
member is found as by their mobile number, and why a provider is suspended.

Who reads a provider's page is who reads its statement (`care.statements.provider_for_statement`:
the officials of its place and its own staff); who changes it is `care.selectors.provider_get`
(the officials of its place), and the services check again.
"""

from django.db.models import QuerySet

from meihao.care.models import Provider
from meihao.care.services.providers import PROVIDER_KINDS
from meihao.care.statements import provider_for_statement
from meihao.core.inputs import parse_id
from meihao.core.models import AuditEvent
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import covers, scope_q
from meihao.people.models import Organisation, Person
from meihao.people.selectors import person_list
from meihao.places.models import Level, Place


def may_manage_provider(user, provider: Provider) -> bool:
    """Whether `user` registers, changes and suspends `provider` (and adds its staff)."""
    return covers(user, provider.place_path, OFFICIALS)


def provider_for_page(user, pk) -> Provider:
    """The provider whose page the user reads: who reads its statement (the officials of its
    place, its own staff); anyone else NotFound."""
    return provider_for_statement(user, parse_id(pk))


def provider_candidates(user) -> QuerySet[Organisation]:
    """The organisations the user may register as providers: the merchants and social
    organisations of their places that are not providers yet."""
    return (
        Organisation.objects.filter(
            scope_q(user, path_field="place_path", roles=OFFICIALS),
            kind__in=sorted(set(PROVIDER_KINDS.values())),
            care_provider__isnull=True,
        )
        .select_related("place")
        .order_by("place_path", "name", "pk")
    )


def area_places(user) -> QuerySet[Place]:
    """The places a provider's service area may name: every place the user sees (their subtrees
    and the ancestors of these); the district, streets and communities are listed on the form."""
    return Place.objects.visible_to(user).select_related("parent")


def listed_area_places(user) -> QuerySet[Place]:
    return area_places(user).exclude(level=Level.GRID).order_by("path")


def staff_candidates(user, phone: str) -> list[Person]:
    """The people the user sees who have the mobile number `phone` (normalised): the resident
    list's own search, so the staff member is found where the official would find them."""
    return list(person_list(user, phone).select_related("user").order_by("pk")[:2])


def suspension_of(provider: Provider) -> AuditEvent | None:
    """When and why a suspended provider was suspended (the audit trail of the change)."""
    if provider.is_active:
        return None
    return (
        AuditEvent.objects.filter(
            target_type=Provider._meta.label_lower,
            target_id=str(provider.pk),
            action="care.provider_set_active",
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
