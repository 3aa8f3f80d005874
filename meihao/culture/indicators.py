"""Cultural life's figures, over a place and a period.

* culture_events — cultural events held (finished activities of kind `cultural_event`).
* culture_attendance — their check-ins, on site or online.
* culture_showcases — showcases (精品) published in the place in the period, ranked by category:
  the article's 23 reading, 56 festival and 121 mass-culture showcases are these since they began.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meihao.activities.indicators import SESSION_COLUMNS, attendances_at, sessions_held
from meihao.activities.models import Activity
from meihao.core.roles import OFFICIALS
from meihao.culture.models import Showcase
from meihao.insights.registry import Capability, Column, Indicator, Ranking, Span, Unit, register

CULTURE = Capability("culture", _("Cultural life"), OFFICIALS)
EVENTS = (Activity.Kind.CULTURAL_EVENT,)

register(
    Indicator(
        code="culture_events",
        name=_("Cultural events held"),
        definition=_("Cultural events held in the place during the period."),
        unit=Unit.COUNT,
        capability=CULTURE,
        records=sessions_held(EVENTS),
        columns=SESSION_COLUMNS,
        link=lambda a: reverse("activities:detail", args=[a.pk]),
    )
)
register(
    Indicator(
        code="culture_attendance",
        name=_("Attendance at cultural events"),
        definition=_(
            "Check-ins at the cultural events held in the place during the period, on site or "
            "online."
        ),
        unit=Unit.COUNT,
        capability=CULTURE,
        records=attendances_at(EVENTS),
        columns=(
            Column(_("Event"), lambda a: a.signup.activity.title),
            Column(_("How"), lambda a: a.get_check_in_method_display()),
        ),
        link=lambda a: reverse("activities:detail", args=[a.signup.activity_id]),
    )
)


def showcases_published(span: Span):
    return (
        Showcase.objects.filter(
            published=True,
            place_path__startswith=span.place_path,
            created_at__gte=span.start,
            created_at__lt=span.end,
        )
        .select_related("place")
        .order_by("-created_at", "-pk")
    )


register(
    Indicator(
        code="culture_showcases",
        name=_("Showcases"),
        definition=_("Showcases (精品) of the place published in the period, by category."),
        unit=Unit.COUNT,
        capability=CULTURE,
        records=showcases_published,
        columns=(
            Column(_("Title"), lambda s: s.title),
            Column(_("Category"), lambda s: s.get_category_display()),
            Column(_("Place"), lambda s: s.place.name),
        ),
        link=lambda s: reverse("culture:showcases") + f"?category={s.category}",
        rankings=(
            Ranking(
                "category",
                _("Category"),
                key="category",
                name="category",
                shown=lambda value: str(Showcase.Category(value).label),
            ),
        ),
    )
)
