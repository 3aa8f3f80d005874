"""Cultural life's figures, over a place and a period.

* culture_events — the calendar's events held (finished activities of the kinds in
  CULTURE_KINDS: cultural events and lectures), ranked by kind and by festival season.
* culture_attendance — their check-ins, on site or online.
* culture_showcases — showcases (精品) published in the place in the period, ranked by category:
  the article's 23 reading, 56 festival and 121 mass-culture showcases are these since they began.
"""

from django.db.models import Case, CharField, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meihao.activities.indicators import (
    ACTIVITY_ROLLUP,
    SESSION_COLUMNS,
    attendances_at,
    sessions_held,
)
from meihao.activities.models import Activity
from meihao.core.roles import OFFICIALS
from meihao.culture.models import CULTURE_KINDS, Festival, Showcase
from meihao.culture.selectors import seasons_between
from meihao.insights.registry import Capability, Column, Indicator, Ranking, Span, Unit, register

CULTURE = Capability("culture", _("Cultural life"), OFFICIALS)
EVENTS = CULTURE_KINDS


def festival_season(span: Span):
    """Each event's festival: the code of the festival whose season (in the span) holds its
    start, the first one where two seasons meet; none outside every season."""
    seasons = seasons_between(span.first_day, span.last_day)
    if not seasons:
        return Value(None, output_field=CharField())
    whens = []
    for season in seasons:
        lower = Span.of(span.place_path, season.first, season.last)
        whens.append(
            When(
                Q(starts_at__gte=lower.start, starts_at__lt=lower.end),
                then=Value(season.festival.code),
            )
        )
    return Case(*whens, default=None, output_field=CharField())


def festival_name(code) -> str:
    return next((f.name_zh for f in Festival.objects.filter(code=code)), str(code))


register(
    Indicator(
        code="culture_events",
        name=_("Cultural events held"),
        definition=_(
            "Cultural events and lectures held in the place during the period, by kind and by "
            "the festival season they fell in."
        ),
        unit=Unit.COUNT,
        capability=CULTURE,
        records=sessions_held(EVENTS),
        rollup=ACTIVITY_ROLLUP,
        columns=SESSION_COLUMNS,
        link=lambda a: reverse("activities:detail", args=[a.pk]),
        rankings=(
            Ranking(
                "kind",
                _("Kind"),
                key="kind",
                name="kind",
                shown=lambda value: str(Activity.Kind(value).label),
            ),
            Ranking(
                "festival",
                _("Festival season"),
                key=festival_season,
                name=festival_season,
                shown=festival_name,
            ),
        ),
    )
)
register(
    Indicator(
        code="culture_attendance",
        name=_("Attendance at cultural events"),
        definition=_(
            "Check-ins at the cultural events and lectures held in the place during the period, "
            "on site or online."
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
