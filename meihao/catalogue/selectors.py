"""Reads of the catalogue: what residents and the public browse, what editors keep."""

from dataclasses import fields

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from meihao.catalogue.guides import Guide
from meihao.catalogue.models import (
    ItemLifeEvent,
    ItemUse,
    LifeEvent,
    Material,
    SearchKey,
    ServiceItem,
)
from meihao.catalogue.routes import Stage, route_for
from meihao.catalogue.search import query_key
from meihao.catalogue.services import COMPETENT_KINDS, EDITORS, may_edit_catalogue
from meihao.core.errors import NotFound
from meihao.core.roles import Role
from meihao.core.scoping import has_role, organisation_ids, scope_q, starts_with
from meihao.people.models import Organisation
from meihao.people.selectors import own_person
from meihao.places.models import Level, Place, community_path


def catalogue_place(user) -> Place | None:
    """The district whose catalogue the user browses: their home's, else the first district
    (a visitor reading a poster's link, staff above any one home)."""
    person = own_person(user)
    districts = Place.objects.filter(level=Level.DISTRICT).order_by("code")
    if person is not None and person.home_place_path:
        home = districts.filter(code=person.home_place_path.split("/", 1)[0]).first()
        if home is not None:
            return home
    return districts.first()


def _home_community_id(user) -> int | None:
    person = own_person(user)
    path = community_path(person.home_place_path) if person is not None else ""
    if not path:
        return None
    code = path.rstrip("/").rsplit("/", 1)[-1]
    return Place.objects.filter(code=code).values_list("pk", flat=True).first()


def matching_ids(query: str, place_path: str):
    """The ids of the district's items one of whose keys starts with the query: one range scan
    of the (district, key) index."""
    return SearchKey.objects.filter(starts_with("key", query), place_path=place_path).values(
        "item_id"
    )


def browse(
    place: Place,
    *,
    q: str = "",
    department: Organisation | None = None,
    event: str = "",
    online: bool = False,
    community_id: int | None = None,
) -> QuerySet[ServiceItem]:
    """The district's published items under the filters, what the community uses most first."""
    items = ServiceItem.objects.published().of_district(place.path)
    key = query_key(q)
    # A query matching the start of the name or a common name (低保 for "db") before one
    # matching inside a word (创业担保贷款); then what the community uses most.
    closeness = Value(False, output_field=BooleanField())
    if key:
        items = items.filter(pk__in=matching_ids(key, place.path))
        closeness = Exists(
            SearchKey.objects.filter(starts_with("key", key), item=OuterRef("pk"), starts_term=True)
        )
    if department is not None:
        items = items.filter(department=department)
    if event in LifeEvent.values:
        items = items.filter(life_events__event=event)
    if online:
        items = items.filter(online=True)
    uses = Value(0, output_field=IntegerField())
    if community_id is not None:
        uses = Coalesce(
            Subquery(
                ItemUse.objects.filter(item=OuterRef("pk"), community_id=community_id).values(
                    "count"
                )[:1]
            ),
            0,
        )
    return (
        items.annotate(close_match=closeness, community_uses=uses)
        .select_related("department")
        .order_by("-close_match", "-community_uses", "department__name", "name", "pk")
    )


def browse_for(user, place: Place, **filters) -> QuerySet[ServiceItem]:
    return browse(place, community_id=_home_community_id(user), **filters)


def route_for_viewer(item: ServiceItem, user) -> list[Stage]:
    """The item's route, named for the viewer's home when they have one."""
    person = own_person(user)
    return route_for(item, person.home_place_path if person is not None else "")


def departments(place: Place) -> list[Organisation]:
    """The departments with published items in the district's catalogue, with their counts."""
    return list(
        Organisation.objects.filter(
            service_items__place_path=place.path, service_items__is_active=True
        )
        .annotate(items=Count("service_items"))
        .order_by("name")
    )


def department_get(place: Place, pk) -> Organisation | None:
    try:
        return (
            Organisation.objects.filter(pk=pk, service_items__place_path=place.path)
            .distinct()
            .first()
        )
    except (ValueError, TypeError):
        return None


def item_public_get(code: str) -> ServiceItem:
    item = (
        ServiceItem.objects.published()
        .select_related("department", "place")
        .prefetch_related("materials", "life_events")
        .filter(code=code)
        .first()
    )
    if item is None:
        raise NotFound()
    return item


def item_by_short(short: str) -> ServiceItem:
    item = ServiceItem.objects.published().filter(short=short).only("code").first()
    if item is None:
        raise NotFound()
    return item


def may_edit(user) -> bool:
    return getattr(user, "is_superuser", False) or has_role(user, EDITORS)


def may_keep_items(user) -> bool:
    """The catalogue's back office: its editors, and the departments' staff reading their own
    items (unpublished ones and versions too)."""
    return may_edit(user) or bool(organisation_ids(user, {Role.DEPARTMENT_STAFF}))


def _kept(user) -> Q:
    departments = organisation_ids(user, {Role.DEPARTMENT_STAFF})
    return scope_q(user, path_field="place_path", roles=EDITORS) | Q(department_id__in=departments)


def editable_places(user) -> QuerySet[Place]:
    return Place.objects.filter(
        scope_q(user, path_field="path", roles=EDITORS), level=Level.DISTRICT
    ).order_by("code")


def managed_items(user, *, q: str = "") -> QuerySet[ServiceItem]:
    """Every item of the catalogues the user keeps, unpublished ones too."""
    items = ServiceItem.objects.filter(_kept(user)).select_related("department")
    key = query_key(q)
    if key:
        found = SearchKey.objects.filter(
            starts_with("key", key), item__in=ServiceItem.objects.filter(_kept(user))
        ).values("item_id")
        items = items.filter(Q(pk__in=found) | Q(code__startswith=q.strip()))
    return items.order_by("department__name", "name", "pk")


def kept_item_get(user, pk) -> ServiceItem:
    """An item of the user's back office (their department's, or their district's)."""
    try:
        return (
            ServiceItem.objects.filter(_kept(user))
            .select_related("department", "place")
            .prefetch_related("materials", "life_events")
            .get(pk=pk)
        )
    except (ServiceItem.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def managed_item_get(user, pk) -> ServiceItem:
    """An item the user may edit."""
    item = kept_item_get(user, pk)
    if not may_edit_catalogue(user, item.place):
        raise NotFound()
    return item


def competent_bodies(place: Place) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        kind__in=COMPETENT_KINDS, place_path__startswith=place.path
    ).order_by("kind", "name")


def _field_label(name: str) -> str:
    if name == "department_id":
        name = "department"
    if name == "materials":
        return str(Material._meta.verbose_name_plural)
    if name == "life_events":
        return str(ItemLifeEvent._meta.get_field("event").verbose_name)
    return str(ServiceItem._meta.get_field(name).verbose_name)


def versions_with_changes(item: ServiceItem) -> list[tuple]:
    """The item's versions, newest first, each with the names of the guide fields it changed."""
    rows, previous = [], None
    for version in item.versions.select_related("author").order_by("number"):
        changed = []
        if previous is not None:
            # In the guide's own order: PostgreSQL's jsonb keeps no key order.
            changed = [
                _field_label(f.name)
                for f in fields(Guide)
                if version.guide.get(f.name) != previous.get(f.name)
            ]
        rows.append((version, changed))
        previous = version.guide
    return list(reversed(rows))
