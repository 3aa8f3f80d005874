"""Dual registration (双报到) figures in the indicator registry.

* dual_members_registered — in-service party members registered with the place's communities
  for the year the period ends in (a standing count).
* dual_posts_claimed — claims of the communities' service posts made in the period.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.core.roles import OFFICIALS
from meihao.dual.models import MemberRegistration, PostClaim
from meihao.insights.registry import (
    Capability,
    Column,
    Indicator,
    Span,
    Unit,
    by_community,
    register,
)

DUAL = Capability("dual", _("Dual registration"), OFFICIALS)


def members_registered(span: Span):
    """The party members' registrations with a community in the place for the year of the
    period's last day."""
    return (
        MemberRegistration.objects.filter(
            community_path__startswith=span.place_path,
            year=span.last_day.year,
        )
        .select_related("person", "unit", "community")
        .order_by("community_path", "person__real_name", "pk")
    )


register(
    Indicator(
        code="dual_members_registered",
        name=_("In-service party members registered"),
        definition=_(
            "In-service party members registered (双报到) with the place's communities for the "
            "year the period ends in."
        ),
        unit=Unit.COUNT,
        capability=DUAL,
        records=members_registered,
        columns=(
            Column(_("Party member"), lambda r: r.person.real_name),
            Column(_("Unit"), lambda r: r.unit.name),
            Column(_("Community"), lambda r: r.community.name),
            Column(_("Year"), lambda r: r.year),
        ),
        link=lambda r: reverse("people:detail", args=[r.person_id]),
        rankings=(by_community("community_path"),),
    )
)


def posts_claimed(span: Span):
    """Claims of service posts in the place made in the period, cancelled ones excluded."""
    return (
        PostClaim.objects.filter(
            community_path__startswith=span.place_path,
            claimed_at__gte=span.start,
            claimed_at__lt=span.end,
        )
        .exclude(status=PostClaim.Status.CANCELLED)
        .select_related("post", "person")
        .order_by("-claimed_at", "-pk")
    )


register(
    Indicator(
        code="dual_posts_claimed",
        name=_("Service posts claimed"),
        definition=_(
            "Claims of the communities' service posts (岗位) by registered party members of the "
            "place made during the period, cancelled claims excluded."
        ),
        unit=Unit.COUNT,
        capability=DUAL,
        records=posts_claimed,
        columns=(
            Column(pgettext_lazy("service post", "Post"), lambda c: c.post.title),
            Column(_("Party member"), lambda c: c.person.real_name),
            Column(_("Claimed at"), lambda c: f"{timezone.localtime(c.claimed_at):%Y-%m-%d}"),
            Column(_("Status"), lambda c: c.get_status_display()),
        ),
        link=lambda c: reverse("dual:post", args=[c.post_id]),
        rankings=(by_community("community_path"),),
    )
)
