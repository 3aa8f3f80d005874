"""Reads about notices: what a resident and the public read, what staff manage."""

from django.db.models import Count, QuerySet

from meihao.bulletins.models import Notice
from meihao.bulletins.services import NOTICE_LEVELS
from meihao.core.errors import NotFound
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import has_role, scope_q
from meihao.people.selectors import own_person
from meihao.places.models import Place

HOME_COUNT = 3


def _with_reads(notices: QuerySet) -> QuerySet:
    return notices.select_related("place").annotate(readers=Count("reads", distinct=True))


def public_notices(*, place: Place | None = None, q: str = "") -> QuerySet[Notice]:
    """Published notices, pinned first then newest; of `place` and the places above it."""
    notices = Notice.objects.published()
    if place is not None:
        notices = notices.for_place_path(place.path)
    if q:
        notices = notices.filter(title__icontains=q) | notices.filter(body__icontains=q)
    return notices.select_related("place").in_order()


def notice_public_get(pk) -> Notice:
    try:
        return _with_reads(Notice.objects.published()).get(pk=pk)
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def home_notices(user) -> list[Notice]:
    """The latest notices for the user's home place (district, street and community), pinned
    first: what the resident's home page shows."""
    person = own_person(user)
    if person is None or not person.home_place_path:
        return []
    notices = Notice.objects.published().for_place_path(person.home_place_path)
    return list(notices.select_related("place").in_order()[:HOME_COUNT])


def may_manage(user) -> bool:
    return getattr(user, "is_superuser", False) or has_role(user, OFFICIALS)


def managed_notices(user) -> QuerySet[Notice]:
    """The notices of the places the user holds an office on: drafts, scheduled, withdrawn."""
    return _with_reads(Notice.objects.visible_to(user)).order_by("-publish_at", "-id")


def managed_notice_get(user, pk) -> Notice:
    try:
        return _with_reads(Notice.objects.visible_to(user)).get(pk=pk)
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def publishing_places(user) -> QuerySet[Place]:
    """Where the user may publish: the district, streets and communities in their offices."""
    offices = scope_q(user, path_field="path", roles=OFFICIALS)
    return Place.objects.filter(offices, level__in=NOTICE_LEVELS).order_by("path")


def pushable_teams(user):
    """The teams of the user's places with a WeCom group or mailbox to push notices to."""
    from meihao.people.models import Team

    return (
        Team.objects.filter(
            scope_q(user, path_field="place_path", roles=OFFICIALS),
            notify_channel__is_active=True,
        )
        .exclude(notify_channel__wecom_webhook_url="", notify_channel__email="")
        .order_by("place_path", "name")
    )
