"""Catalogue figures in the indicator registry: the items a place's residents can use, how many
of them can be done online, and the departments whose services they are (the article's seven
departments on the platform)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meihao.catalogue.models import ServiceItem
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import ancestor_paths, in_subtree
from meihao.insights.registry import Capability, Column, Indicator, Span, Unit, register
from meihao.people.models import Organisation

SERVICES = Capability("services", _("Government services"), OFFICIALS)


def service_items(span: Span):
    """Published items of the catalogues serving the place (its district's, or those of the
    districts below it) that existed by the end of the period."""
    serving = Q(place_path__in=ancestor_paths(span.place_path)) | in_subtree(span.place_path)
    return (
        ServiceItem.objects.published()
        .filter(serving, created_at__lt=span.end)
        .select_related("department")
        .order_by("department__name", "name", "pk")
    )


def online_items(span: Span):
    return service_items(span).filter(online=True)


COLUMNS = (
    Column(_("Item name"), lambda item: item.name),
    Column(_("Competent department"), lambda item: item.department.name),
    Column(_("Item code"), lambda item: item.code),
)


def _guide(item) -> str:
    return reverse("catalogue:detail", args=[item.code])


register(
    Indicator(
        code="service_items",
        name=_("Service items"),
        definition=_(
            "Published items of the service catalogue open to the place's residents at the end "
            "of the period."
        ),
        unit=Unit.COUNT,
        capability=SERVICES,
        records=service_items,
        columns=COLUMNS,
        link=_guide,
    )
)
register(
    Indicator(
        code="online_items",
        name=_("Service items done online"),
        definition=_(
            "Published items of the service catalogue that can be done fully online, without a "
            "visit to a counter, at the end of the period."
        ),
        unit=Unit.COUNT,
        capability=SERVICES,
        records=online_items,
        columns=COLUMNS,
        link=_guide,
    )
)


def service_departments(span: Span):
    """The competent departments of those items, each once, with how many of them it has."""
    items = service_items(span).values("pk")
    return (
        Organisation.objects.filter(service_items__in=items)
        .annotate(items=Count("service_items", filter=Q(service_items__in=items), distinct=True))
        .order_by("name", "pk")
    )


register(
    Indicator(
        code="service_departments",
        name=_("Departments on the platform"),
        definition=_(
            "The competent departments of the published items of the service catalogue open to "
            "the place's residents at the end of the period, each counted once."
        ),
        unit=Unit.COUNT,
        capability=SERVICES,
        records=service_departments,
        columns=(
            Column(_("Competent department"), lambda d: d.name),
            Column(_("Service items"), lambda d: d.items),
        ),
        link=lambda d: f"{reverse('catalogue:list')}?department={d.pk}",
    )
)
