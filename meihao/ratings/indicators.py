"""好差评 figures in the indicator registry: satisfaction with the services (applications and
petitions) and how many 差评 were rectified on time. Read by the street chiefs and the
district's administrators; the records list the case, the score and the community, never the
rater."""

from django.db.models import BooleanField, CharField, ExpressionWrapper, F, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.cases.extensions import detail_url
from meihao.cases.models import Case, CaseRating, Status
from meihao.core.roles import SUPERVISORS
from meihao.insights.registry import (
    Capability,
    Column,
    Indicator,
    Ranking,
    Span,
    Unit,
    by_community,
    register,
)
from meihao.ratings.models import GOOD_SCORES, RATED_TYPES, RECTIFY_CODE, AppealStatus

SERVICE_RATINGS = Capability("service_ratings", _("Service ratings"), SUPERVISORS)


def ratings(span: Span):
    """Ratings of the place's applications and petitions given in the period, but those whose
    appeal the district upheld; in the numerator, 满意 and 非常满意."""
    return (
        CaseRating.objects.filter(
            case__case_type__code__in=RATED_TYPES,
            case__place_path__startswith=span.place_path,
            created_at__gte=span.start,
            created_at__lt=span.end,
        )
        .exclude(rectification__appeal_status=AppealStatus.UPHELD)
        .select_related("case__case_type", "case__place")
        .annotate(
            in_numerator=ExpressionWrapper(Q(score__in=GOOD_SCORES), output_field=BooleanField())
        )
        .order_by("-created_at", "-pk")
    )


def rectified(span: Span):
    """Rectifications closed in the period; in the numerator, those whose fix was reported by
    the deadline."""
    return (
        Case.objects.filter(
            case_type__code=RECTIFY_CODE,
            place_path__startswith=span.place_path,
            status=Status.CLOSED,
            closed_at__gte=span.start,
            closed_at__lt=span.end,
        )
        .select_related("case_type", "place")
        .annotate(
            in_numerator=ExpressionWrapper(
                Q(reported_back_at__lte=F("resolve_by")), output_field=BooleanField()
            )
        )
        .order_by("-closed_at", "-pk")
    )


def _rankings(case: str) -> tuple[Ranking, ...]:
    """By the body that served (an application's implementing body, else the body the case
    went to, else the community itself), by the item (an application's service item, a
    petition's topic) and by the community, of the rated case reached by `case`."""
    body = Coalesce(
        f"{case}__application__item__implementing_body",
        f"{case}__assigned_organisation__name",
        f"{case}__place__name",
    )
    item = Coalesce(
        f"{case}__application__item__name",
        KeyTextTransform("item", f"{case}__data"),  # a counter visit's
        f"{case}__category__name_zh",
        output_field=CharField(),
    )
    return (
        Ranking("body", _("Responsible body"), key=body, name=body),
        Ranking("item", _("Service item"), key=item, name=item),
        by_community(f"{case}__place_path"),
    )


RATING_COLUMNS = (
    Column(_("Number"), lambda r: r.case.number),
    Column(_("Service"), lambda r: r.case.case_type.display_name),
    Column(_("Rating"), lambda r: r.get_score_display()),
    Column(_("Rated at"), lambda r: f"{timezone.localtime(r.created_at):%Y-%m-%d %H:%M}"),
    Column(_("Community"), lambda r: r.case.place.name),
)
RECTIFY_COLUMNS = (
    Column(_("Number"), lambda c: c.number),
    Column(_("Closed at"), lambda c: f"{timezone.localtime(c.closed_at):%Y-%m-%d %H:%M}"),
    Column(_("Community"), lambda c: c.place.name),
)

register(
    Indicator(
        code="service_satisfaction",
        name=_("Satisfaction with services"),
        definition=_(
            "Ratings of applications and petitions given during the period that are 满意 or "
            "非常满意, of all ratings (a rating the district found mistaken on appeal is not "
            "counted)."
        ),
        unit=Unit.PERCENT,
        capability=SERVICE_RATINGS,
        records=ratings,
        columns=RATING_COLUMNS,
        link=lambda rating: detail_url(rating.case),
        rankings=_rankings("case"),
    )
)
register(
    Indicator(
        code="rectification_on_time_rate",
        name=_("差评 rectified on time"),
        definition=_(
            "Rectifications of poor ratings closed during the period whose fix was reported "
            "within the deadline, of all closed."
        ),
        unit=Unit.PERCENT,
        capability=SERVICE_RATINGS,
        records=rectified,
        columns=RECTIFY_COLUMNS,
        rankings=_rankings("rectification__rated_case"),
        link=lambda case: reverse("cases:detail", args=[case.number]),
    )
)
