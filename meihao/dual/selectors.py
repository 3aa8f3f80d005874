"""Reads of dual registration (双报到), scoped to the asking user: community managers see
their subtrees' registrations, posts and claims; a party member the posts of the communities
they registered with and their own claims."""

from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from meihao.core.errors import NotFound
from meihao.core.roles import OFFICIALS, Role
from meihao.core.scoping import has_role, scope_paths, scope_q
from meihao.dual.models import (
    MemberRegistration,
    PostClaim,
    ServicePost,
    UnitRegistration,
)
from meihao.dual.services import REGISTERING_KINDS
from meihao.people.models import Organisation, Person
from meihao.places.models import Level, Place


def may_claim_posts(user) -> bool:
    """Party members, and anyone registered with a community as one, browse and claim posts."""
    return getattr(user, "is_authenticated", False) and (
        has_role(user, {Role.PARTY_MEMBER})
        or MemberRegistration.objects.filter(person__user=user).exists()
    )


def is_staff(user) -> bool:
    """The communities' officials run registrations, posts and the hours report."""
    return getattr(user, "is_authenticated", False) and (
        getattr(user, "is_superuser", False) or has_role(user, OFFICIALS)
    )


def this_year() -> int:
    return timezone.localdate().year


def year_choices() -> list[int]:
    year = this_year()
    return [year + 1, year, year - 1]


def clean_year(value) -> int:
    """A year from a query string; this year when missing or not one on offer."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return this_year()
    return year if year in year_choices() else this_year()


def managed_communities(user) -> QuerySet[Place]:
    return (
        Place.objects.filter(
            scope_q(user, path_field="path", roles=OFFICIALS), level=Level.COMMUNITY
        )
        .only("id", "code", "name", "path")
        .order_by("path")
    )


def registering_units(user) -> QuerySet[Organisation]:
    """Units and departments a community may register: those based in the manager's subtrees
    or above them (a district department registers with many communities)."""
    units = Organisation.objects.filter(kind__in=REGISTERING_KINDS)
    if not getattr(user, "is_superuser", False):
        paths = scope_paths(user, OFFICIALS)
        above = {code for path in paths for code in path.split("/") if code}
        units = units.filter(
            scope_q(user, path_field="place_path", roles=OFFICIALS) | Q(place__code__in=above)
        )
    return units.only("id", "name", "kind").order_by("kind", "name")


def _in_community(queryset, community: str):
    return queryset.filter(community__code=community) if community else queryset


def unit_registrations(user, *, year: int, community: str = "") -> QuerySet[UnitRegistration]:
    return _in_community(
        UnitRegistration.objects.visible_to(user)
        .filter(year=year)
        .select_related("organisation", "community"),
        community,
    ).order_by("community_path", "organisation__name", "id")


def member_registrations(user, *, year: int, community: str = "") -> QuerySet[MemberRegistration]:
    return _in_community(
        MemberRegistration.objects.visible_to(user)
        .filter(year=year)
        .select_related("person", "unit", "community"),
        community,
    ).order_by("community_path", "person__real_name", "id")


def find_resident(user, phone: str) -> Person | None:
    """The resident with this mobile number, among those the manager may see."""
    phone = (phone or "").strip()
    if not phone:
        return None
    return Person.objects.visible_to(user).filter(phone=phone).first()


def staff_posts(user, *, year: int, community: str = "", status: str = "") -> QuerySet:
    posts = ServicePost.objects.visible_to(user).filter(year=year).select_related("community")
    if status in ServicePost.Status.values:
        posts = posts.filter(status=status)
    return _in_community(posts, community).order_by("status", "-created_at", "-id")


def staff_post_get(user, pk) -> ServicePost:
    try:
        return ServicePost.objects.visible_to(user).select_related("community").get(pk=pk)
    except (ServicePost.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def post_claims(post: ServicePost) -> QuerySet[PostClaim]:
    return post.claims.select_related("person", "registration__unit", "confirmed_by").order_by(
        "status", "claimed_at", "id"
    )


def staff_claim_get(user, pk) -> PostClaim:
    try:
        return PostClaim.objects.visible_to(user).select_related("post", "person").get(pk=pk)
    except (PostClaim.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# ---------------------------------------------------------------------------------------------
# Party members


def my_registrations(user) -> QuerySet[MemberRegistration]:
    return MemberRegistration.objects.filter(person__user=user).select_related("community", "unit")


def member_posts(user, *, year: int) -> QuerySet[ServicePost]:
    """Open posts of the communities the member registered with that year, with the member's
    live claim on each marked (`my_claim_status`)."""
    registered = MemberRegistration.objects.filter(person__user=user, year=year).values(
        "community_id"
    )
    mine = (
        PostClaim.objects.filter(post=OuterRef("pk"), person__user=user)
        .exclude(status=PostClaim.Status.CANCELLED)
        .values("status")[:1]
    )
    return (
        ServicePost.objects.filter(year=year, community_id__in=registered)
        .select_related("community")
        .annotate(my_claim_status=Subquery(mine))
        .filter(Q(status=ServicePost.Status.OPEN) | Q(my_claim_status__isnull=False))
        .order_by("-created_at", "-id")
    )


def member_post_get(user, pk) -> ServicePost:
    """A post the member may claim: one of a community they registered with that year."""
    try:
        post = ServicePost.objects.select_related("community").get(pk=pk)
    except (ServicePost.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not MemberRegistration.objects.filter(
        person__user=user, community_id=post.community_id, year=post.year
    ).exists():
        raise NotFound()
    return post


def my_claims(user) -> QuerySet[PostClaim]:
    return (
        PostClaim.objects.filter(person__user=user)
        .select_related("post", "post__community")
        .order_by("-claimed_at", "-id")
    )


def my_claim_get(user, pk) -> PostClaim:
    try:
        return (
            PostClaim.objects.filter(person__user=user).select_related("post", "person").get(pk=pk)
        )
    except (PostClaim.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# ---------------------------------------------------------------------------------------------
# Hours per member and per unit (双报到 service hours)


# A confirmed claim's minutes as its service record says, net of a reversal of that record
# (activities corrects records by reversal, never by editing).
def _net_minutes(prefix: str):
    return Coalesce(
        Sum(
            Coalesce(F(f"{prefix}service_record__minutes"), Value(0))
            + Coalesce(F(f"{prefix}service_record__reversed_by__minutes"), Value(0)),
            filter=Q(**{f"{prefix}status": PostClaim.Status.COMPLETED}),
        ),
        Value(0),
        output_field=IntegerField(),
    )


@dataclass
class HoursReport:
    year: int
    members: list[dict]
    units: list[dict]

    @property
    def total_hours(self) -> float:
        return sum(row["minutes"] for row in self.members) / 60


def hours_report(user, *, year: int, community: str = "") -> HoursReport:
    """Every member registered that year in the manager's subtrees (served or not), with the
    minutes of their confirmed posts; and the same summed per unit."""
    registrations = _in_community(
        MemberRegistration.objects.visible_to(user).filter(year=year), community
    )
    members = list(
        registrations.values(
            "id",
            "person__real_name",
            "unit__name",
            "community__name",
        )
        .annotate(
            minutes=_net_minutes("claims__"),
            posts=Count("claims", filter=Q(claims__status=PostClaim.Status.COMPLETED)),
        )
        .order_by("-minutes", "person__real_name", "id")
    )
    units = list(
        registrations.values("unit_id", "unit__name")
        .annotate(
            members=Count("person", distinct=True),
            minutes=_net_minutes("claims__"),
        )
        .order_by("-minutes", "unit__name")
    )
    for row in members + units:
        row["hours"] = row["minutes"] / 60
    return HoursReport(year=year, members=members, units=units)
