"""Every write about the catalogue: keyword-only, one transaction each, audited."""

import re
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext_lazy as _

from meihao.cases.formschema import check_schema
from meihao.catalogue.applying import items_changed
from meihao.catalogue.guides import Guide, MaterialSpec, guide_of
from meihao.catalogue.models import (
    ALIASES_MAX,
    NAME_MAX,
    SERIAL_DIGITS,
    SHORT_TEXT_MAX,
    TEXT_MAX,
    Certificate,
    HeldData,
    ItemLevel,
    ItemLifeEvent,
    ItemType,
    ItemUse,
    LifeEvent,
    Material,
    SearchKey,
    ServiceItem,
    ServiceItemVersion,
)
from meihao.catalogue.routes import checked_route
from meihao.catalogue.search import keys_for
from meihao.core import creditcode
from meihao.core.audit import audit_change
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.roles import Role
from meihao.core.scoping import covers, sees_place
from meihao.people.models import Organisation
from meihao.people.selectors import own_person
from meihao.places.models import Level, Place, community_path

# Who keeps the catalogue: the district's administrators (区政务服务管理).
EDITORS = frozenset({Role.DISTRICT_ADMIN})
MAX_DAYS = 365
MAX_VISITS = 9
MAX_MATERIALS = 30
PHONE_RE = re.compile(r"^[0-9][0-9-]{4,19}$")
SHORT_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
SHORT_LENGTH = 6
# Bodies that can be competent for an item: government departments and the public bodies
# (医保局, 残联) the demo keeps among its units.
COMPETENT_KINDS = (Organisation.Kind.DEPARTMENT, Organisation.Kind.UNIT)


def may_edit_catalogue(actor, place: Place) -> bool:
    return place.level == Level.DISTRICT and covers(actor, place.path, EDITORS)


def _require_editor(actor, place: Place) -> None:
    if not sees_place(actor, place.path):
        raise NotFound()
    if not may_edit_catalogue(actor, place):
        raise PermissionDenied(_("Only the district's administrators edit its catalogue."))


def _days(value, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_DAYS:
        raise ValidationFailed(
            _("Enter a number of working days from 0 to %(max)s.") % {"max": MAX_DAYS},
            field=field,
        )
    return value


def community_may_issue(guide: Guide) -> None:
    """民发〔2020〕20号: residents' committees do not issue the certificates it lists, and issue
    others only when the district's published list (the whitelist) names them."""
    if guide.level != ItemLevel.COMMUNITY or not guide.certificate:
        return
    forbidden = settings.CATALOGUE_COMMUNITY_FORBIDDEN_CERTIFICATES
    if guide.certificate in forbidden:
        raise ValidationFailed(
            _(
                "A community may not issue the “%(certificate)s”: 民发〔2020〕20号 lists it among "
                "the certificates residents' committees must not issue. Make the competent "
                "department or the street implement it."
            )
            % {"certificate": Certificate(guide.certificate).label},
            field="level",
            code="certificate_not_for_communities",
        )
    if guide.name not in settings.CATALOGUE_COMMUNITY_CERTIFICATE_WHITELIST:
        raise ValidationFailed(
            _(
                "A community issues only the certificates on the district's published list "
                "(CATALOGUE_COMMUNITY_CERTIFICATE_WHITELIST); “%(name)s” is not on it."
            )
            % {"name": guide.name},
            field="level",
            code="certificate_not_whitelisted",
        )


def _checked_materials(materials) -> tuple[MaterialSpec, ...]:
    materials = tuple(materials)
    if len(materials) > MAX_MATERIALS:
        raise ValidationFailed(
            _("At most %(max)s materials.") % {"max": MAX_MATERIALS}, field="materials"
        )
    checked = []
    for material in materials:
        if material.held and material.held not in HeldData.values:
            raise ValidationFailed(_("Choose what the platform holds."), field="materials")
        checked.append(
            MaterialSpec(
                name=clean_text(
                    material.name,
                    field="materials",
                    max_length=Material._meta.get_field("name").max_length,
                    required=_("Every material needs a name."),
                ),
                form=clean_text(material.form, field="materials", max_length=60),
                note=clean_text(material.note, field="materials", max_length=200),
                held=material.held,
                has_form=bool(material.has_form),
            )
        )
    return tuple(checked)


def _checked_form_schema(schema) -> dict:
    """The application form's fields, in the engine's form-schema subset (a refusal names
    what is wrong)."""
    schema = schema or {}
    try:
        check_schema(schema)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field="form_schema") from exc
    return schema


def checked_guide(guide: Guide, *, place: Place) -> Guide:
    """The guide with its text cleaned, or a refusal naming the field that is wrong."""

    def text(name, max_length=TEXT_MAX, required=None):
        return clean_text(getattr(guide, name), field=name, max_length=max_length,
                          required=required)  # fmt: skip

    if guide.item_type not in ItemType.values:
        raise ValidationFailed(_("Choose the item type."), field="item_type")
    if guide.level not in ItemLevel.values:
        raise ValidationFailed(_("Choose the level that implements the item."), field="level")
    if guide.certificate and guide.certificate not in Certificate.values:
        raise ValidationFailed(_("Choose the certificate."), field="certificate")
    if not Organisation.objects.filter(
        pk=guide.department_id, kind__in=COMPETENT_KINDS, place_path__startswith=place.path
    ).exists():
        raise ValidationFailed(_("Choose a department of this district."), field="department")
    issuer = creditcode.normalise(guide.issuer_code)
    if not creditcode.is_valid(issuer):
        raise ValidationFailed(
            _("Enter the implementing body's 18-character unified social credit code."),
            field="issuer_code",
        )
    statutory = _days(guide.statutory_days, "statutory_days")
    promised = _days(guide.promised_days, "promised_days")
    if promised > statutory:
        raise ValidationFailed(
            _("The promised time limit cannot be longer than the statutory one."),
            field="promised_days",
        )
    visits = guide.visits
    if not isinstance(visits, int) or isinstance(visits, bool) or not 0 <= visits <= MAX_VISITS:
        raise ValidationFailed(
            _("Enter the number of visits, from 0 to %(max)s.") % {"max": MAX_VISITS},
            field="visits",
        )
    if guide.online and visits:
        raise ValidationFailed(
            _("An item done online needs no visit to a counter: set the visits to 0."),
            field="visits",
        )
    events = tuple(sorted(set(guide.life_events)))
    if not events or any(event not in LifeEvent.values for event in events):
        raise ValidationFailed(_("Choose at least one life event."), field="life_events")
    phone = (guide.phone or "").strip()
    if not PHONE_RE.match(phone):
        raise ValidationFailed(_("Enter the consultation phone number."), field="phone")
    cleaned = Guide(
        name=text("name", NAME_MAX, _("Give the item its name.")),
        aliases=text("aliases", ALIASES_MAX),
        item_type=guide.item_type,
        department_id=guide.department_id,
        issuer_code=issuer,
        implementing_body=text("implementing_body", 100, _("Name the implementing body.")),
        level=guide.level,
        community_assists=bool(guide.community_assists),
        route=checked_route(guide.route, level=guide.level),
        certificate=guide.certificate,
        legal_basis=text("legal_basis", required=_("Give the legal basis.")),
        statutory_days=statutory,
        promised_days=promised,
        conditions=text("conditions", required=_("Say who may apply and on what conditions.")),
        steps=text("steps", required=_("List the steps, one per line.")),
        fees=text("fees", SHORT_TEXT_MAX, _("Say what it costs (不收费 if nothing).")),
        place_hours=text("place_hours", SHORT_TEXT_MAX * 2, _("Say where and when.")),
        phone=phone,
        complaint=text("complaint", SHORT_TEXT_MAX, _("Name the complaint channel.")),
        faq=text("faq"),
        visits=visits,
        online=bool(guide.online),
        is_active=bool(guide.is_active),
        materials=_checked_materials(guide.materials),
        life_events=events,
        form_schema=_checked_form_schema(guide.form_schema),
    )
    community_may_issue(cleaned)
    return cleaned


def _new_short() -> str:
    while True:
        short = "".join(secrets.choice(SHORT_ALPHABET) for _ in range(SHORT_LENGTH))
        if not ServiceItem.objects.filter(short=short).exists():
            return short


def _next_serial(issuer_code: str, item_type: str) -> int:
    last = ServiceItem.objects.filter(issuer_code=issuer_code, item_type=item_type).aggregate(
        last=Max("serial")
    )["last"]
    return (last or 0) + 1


def _write_parts(item: ServiceItem, guide: Guide) -> None:
    item.materials.all().delete()
    Material.objects.bulk_create(
        Material(
            item=item,
            position=n,
            name=m.name,
            form=m.form,
            note=m.note,
            held=m.held,
            has_form=m.has_form,
        )
        for n, m in enumerate(guide.materials)
    )
    item.life_events.all().delete()
    ItemLifeEvent.objects.bulk_create(ItemLifeEvent(item=item, event=e) for e in guide.life_events)
    item.search_keys.all().delete()
    keys = keys_for([guide.name, *item.alias_list()])
    SearchKey.objects.bulk_create(
        SearchKey(item=item, place_path=item.place_path, key=key, starts_term=starts)
        for key, starts in sorted(keys.items())
    )


@transaction.atomic
def item_save(*, actor, place: Place, guide: Guide, item: ServiceItem | None = None) -> ServiceItem:
    """Write a new item or a new version of one. Every change of the guide is a new version
    (an application keeps the version it was made under); saving an unchanged guide is not."""
    _require_editor(actor, place)
    guide = checked_guide(guide, place=place)
    if (
        ServiceItem.objects.filter(place=place, name=guide.name)
        .exclude(pk=getattr(item, "pk", None))
        .exists()
    ):
        raise ValidationFailed(_("The catalogue already has an item of this name."), field="name")
    if item is None:
        item = ServiceItem(place=place, place_path=place.path, short=_new_short())
        before = None
    else:
        item = ServiceItem.objects.select_for_update().get(pk=item.pk)
        _require_editor(actor, item.place)
        before = guide_of(item)
        if before == guide:
            return item
    recode = before is None or (before.issuer_code, before.item_type) != (
        guide.issuer_code,
        guide.item_type,
    )
    for name, value in guide.item_values().items():
        setattr(item, name, value)
    if recode:
        item.serial = _next_serial(guide.issuer_code, guide.item_type)
        item.code = f"{guide.issuer_code}{guide.item_type}{item.serial:0{SERIAL_DIGITS}d}"
    item.version += 1
    item.save()
    _write_parts(item, guide)
    ServiceItemVersion.objects.create(
        item=item, number=item.version, guide=guide.snapshot(), author=actor
    )
    items_changed()
    audit_change(
        actor=actor,
        action="catalogue.item_save",
        target=item,
        changes={"version": item.version, "code": item.code},
    )
    return item


def item_count_use(*, item: ServiceItem, community: Place) -> None:
    """A resident of `community` used the item (read its guide, applied): what ranks it for
    their neighbours. One UPDATE once the pair is counted."""
    counted = ItemUse.objects.filter(item=item, community=community).update(count=F("count") + 1)
    if counted:
        return
    with transaction.atomic():
        use, created = ItemUse.objects.get_or_create(
            item=item, community=community, defaults={"count": 1}
        )
        if not created:  # a neighbour counted it first, between the two statements
            ItemUse.objects.filter(pk=use.pk).update(count=F("count") + 1)


def item_count_read(*, item: ServiceItem, user) -> None:
    """The signed-in user read the item's guide: counted for their home community, if any."""
    person = own_person(user)
    path = community_path(person.home_place_path) if person is not None else ""
    if not path:
        return
    community_code = path.rstrip("/").rsplit("/", 1)[-1]
    community = Place.objects.filter(code=community_code).only("pk").first()
    if community is not None:
        item_count_use(item=item, community=community)
