"""Reads of the micro-wishes, scoped to the asking user.

A wish is visible where its case is (`Case.objects.visible_to`: the resident who ordered it,
the party committee of its place, the claimable pool, the lead), plus two rules of the wish
wall: party members of its community see it while it is published or being fulfilled (so that
they can join), and every claimant sees the wishes they claimed.
"""

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.cases.models import Case, CaseCategory, CaseEvent, CasePhoto, Status
from meihao.core.errors import NotFound
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import scope_paths, scope_q
from meihao.dual.models import MemberRegistration, UnitRegistration
from meihao.wishes.models import WISH_CLAIMERS, WISH_CODE, WishClaim

WALL_STATES = (Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS)
LIST_RELATED = ("case_type", "category", "place", "assigned_user", "wish")


def wish_categories():
    return list(
        CaseCategory.objects.filter(
            case_type__code=WISH_CODE, parent__isnull=False, is_active=True
        ).order_by("code")
    )


def may_review(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(scope_paths(user, OFFICIALS))


def may_claim(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(scope_paths(user, WISH_CLAIMERS))


def _claimed_by(user):
    return WishClaim.objects.filter(Q(claimed_by=user) | Q(person__user=user)).values(
        "wish__case_id"
    )


def _wall_q(user) -> Q:
    return (
        Q(status__in=WALL_STATES)
        & scope_q(user, path_field="place_path", roles=WISH_CLAIMERS)
        & ~Q(submitted_by=user)
    )


def wishes_visible_to(user):
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    visible = Q(pk__in=Case.objects.visible_to(user).values("pk"))
    return (
        Case.objects.filter(case_type__code=WISH_CODE)
        .filter(visible | _wall_q(user) | Q(pk__in=_claimed_by(user)))
        .select_related(*LIST_RELATED)
    )


def my_wishes(user):
    """The wishes the user ordered, newest first."""
    return wishes_visible_to(user).filter(submitted_by=user)


def wall(user):
    """The wish wall: published wishes to claim, then wishes being fulfilled to join."""
    return (
        Case.objects.filter(case_type__code=WISH_CODE)
        .filter(_wall_q(user))
        .select_related(*LIST_RELATED)
        .order_by("status", "-created_at", "-id")
    )


def my_claims(user):
    """The wishes the user claimed or joined (in person or for a unit), newest first."""
    return wishes_visible_to(user).filter(pk__in=_claimed_by(user))


REVIEW_STATES = {"submitted": (Status.SUBMITTED,), "published": (Status.ACCEPTED,)}


def review_queue(user, state: str = "submitted"):
    """The party committee's queue: wishes to review, or published and not yet claimed (with
    the longest-waiting first)."""
    states = REVIEW_STATES.get(state, REVIEW_STATES["submitted"])
    return (
        Case.objects.filter(case_type__code=WISH_CODE, status__in=states)
        .filter(scope_q(user, path_field="place_path", roles=OFFICIALS))
        .select_related(*LIST_RELATED, "reporter")
        .order_by("created_at", "id")
    )


def wish_get(user, number: str) -> Case:
    case = (
        wishes_visible_to(user)
        .select_related("reporter", "wish__community")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=CaseEvent.objects.select_related("actor").prefetch_related("photos"),
            ),
            Prefetch("photos", queryset=CasePhoto.objects.order_by("created_at", "id")),
            Prefetch(
                "wish__claims",
                queryset=WishClaim.objects.select_related("person", "organisation", "claimed_by"),
            ),
        )
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound(_("No such micro-wish."))
    return case


def dispatch_targets(case: Case) -> list[dict]:
    """Whom the committee may give a wish to: the party members serving its community, in
    person, and those registered there this year for their unit (双报到)."""
    from meihao.core.scoping import users_covering

    targets = [
        {"value": f"user:{u.pk}", "label": u.name, "user": u}
        for u in sorted(users_covering(case.place_path, WISH_CLAIMERS), key=lambda u: u.name)
    ]
    year = timezone.localdate().year
    community = case.wish.community
    units = UnitRegistration.objects.filter(community=community, year=year).values(
        "organisation_id"
    )
    for registration in (
        MemberRegistration.objects.filter(
            community=community, year=year, unit_id__in=units, person__user__isnull=False
        )
        .select_related("person__user", "unit")
        .order_by("unit__name", "person__real_name")
    ):
        targets.append(
            {
                "value": f"unit:{registration.pk}",
                "label": f"{registration.unit.name} · {registration.person.real_name}",
                "user": registration.person.user,
                "unit": registration.unit,
            }
        )
    return targets
