"""Notice figures in the indicator registry: how many notices a place published."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.bulletins.models import Notice
from meihao.core.roles import OFFICIALS
from meihao.insights.registry import Capability, Column, Indicator, Span, Unit, register

NOTICES = Capability("notices", _("Notices"), OFFICIALS)


def notices_published(span: Span):
    """Notices published (and not withdrawn) in the period, in the place and below."""
    return (
        Notice.objects.filter(
            place_path__startswith=span.place_path,
            publish_at__gte=span.start,
            publish_at__lt=min(span.end, timezone.now()),
            withdrawn_at__isnull=True,
        )
        .select_related("place")
        .order_by("-publish_at", "-pk")
    )


register(
    Indicator(
        code="notices_published",
        name=_("Notices published"),
        definition=_(
            "Notices and service information published in the place (and below) during the "
            "period, not counting withdrawn ones."
        ),
        unit=Unit.COUNT,
        capability=NOTICES,
        records=notices_published,
        columns=(
            Column(
                _("Published at"), lambda n: f"{timezone.localtime(n.publish_at):%Y-%m-%d %H:%M}"
            ),
            Column(_("Published for"), lambda n: n.place.name),
            Column(_("Title"), lambda n: n.title),
        ),
        link=lambda n: reverse("bulletins:detail", args=[n.pk]),
    )
)
