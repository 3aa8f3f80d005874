"""The demo district's service catalogue: 137 items of seven departments (catalogue_items.json,
written after real guides of Guangxi), saved through `catalogue.services.item_save` by the
district administrator, so every item has its code, its first version and its search keys; and
how often each community's residents opened the guides (what ranks the results for them).

Idempotent: items by name; the uses only while the catalogue has none.
"""

import json
import random
from pathlib import Path

from meihao.catalogue.guides import Guide, MaterialSpec
from meihao.catalogue.models import ItemUse, ServiceItem
from meihao.catalogue.services import item_save
from meihao.core import creditcode
from meihao.people.models import Organisation, User
from meihao.places.models import Level, Place

ITEMS_FILE = Path(__file__).with_name("catalogue_items.json")
# The names residents use for the items they ask about most (found by search like the name).
ALIASES = {
    "最低生活保障申请": "低保",
    "就业失业登记证明": "失业证明,就业证明,就业创业证",
    "婚育情况证明": "婚育证明,计生证明",
    "居住证明": "居住登记证明",
    "城乡居民基本医疗保险参保登记": "医保参保,居民医保",
    "城乡居民医保年度缴费": "医保缴费",
    "社会保障卡申领": "社保卡",
    "高龄津贴申领": "长寿补贴,高龄补贴",
    "特困人员认定": "五保",
    "法律援助申请": "法援",
    "无犯罪记录证明": "无犯罪证明",
    "残疾人证办理（首次申领）": "办残疾证",
}
# Where the four items the article names go, to the body legally competent for each: the
# residence proof to the police (the community may take it in); 低保 filed with the street of
# household registration, which takes it in and reviews it, decided by the district's civil
# affairs bureau; employment registration checked by the community's labour station, reviewed
# by the street, approved by the district's employment service; 婚育 by the health side.
ROUTES = {
    "居住证明": "community:intake,department:decide",
    "最低生活保障申请": "street:intake,street:review,street:publicise,department:decide",
    "就业失业登记证明": "community:check,street:review,department:decide",
    "婚育情况证明": "department:decide",
}
# The well-used guides: opened this many times a year in a community, before the noise.
POPULAR = {"最低生活保障申请": 60, "城乡居民医保年度缴费": 80, "社会保障卡申领": 50,
           "居住证明": 40, "高龄津贴申领": 45, "就业失业登记证明": 35}  # fmt: skip


def issuer_code(index: int) -> str:
    """A government body's unified social credit code in the district (11 + 450403 + …)."""
    return creditcode.with_check_char(f"11450403MB{index + 1:07d}")


def route_of(entry: dict) -> str:
    """The item's route: the named four as above; the others by the level that implements
    them, taken in by the community first where it assists."""
    if entry["name"] in ROUTES:
        return ROUTES[entry["name"]]
    if entry["level"] == "community":
        return "community:decide"
    decider = "department" if entry["level"] == "district" else "street"
    return ("community:intake," if entry["community_assists"] else "") + f"{decider}:decide"


def guide_from(entry: dict, department: Organisation, issuer: str) -> Guide:
    return Guide(
        name=entry["name"],
        aliases=ALIASES.get(entry["name"], ""),
        item_type=entry["type"],
        department_id=department.pk,
        issuer_code=issuer,
        implementing_body=entry["implementing_body"],
        level=entry["level"],
        community_assists=entry["community_assists"],
        route=route_of(entry),
        certificate=entry["certificate"],
        legal_basis=entry["legal_basis"],
        statutory_days=entry["statutory_days"],
        promised_days=entry["promised_days"],
        conditions=entry["conditions"],
        steps="\n".join(entry["steps"]),
        fees=entry["fees"],
        place_hours=entry["place_hours"],
        phone=entry["phone"],
        complaint=entry["complaint"],
        faq="\n\n".join(f"{q}\n{a}" for q, a in entry["faq"]),
        visits=entry["visits"],
        online=entry["online"],
        materials=tuple(
            MaterialSpec(
                name=m["name"],
                form=m["form"],
                note=m["note"],
                held=m.get("held", ""),
                has_form=m.get("template", False),
            )
            for m in entry["materials"]
        ),
        life_events=tuple(entry["life_events"]),
        form_schema=entry.get("form", {}),
    )


def load_catalogue(*, district: Place, admin: User, seed: int) -> tuple[int, int]:
    entries = json.loads(ITEMS_FILE.read_text(encoding="utf-8"))
    names = list(dict.fromkeys(entry["department"] for entry in entries))
    departments = {
        org.name: org
        for org in Organisation.objects.filter(name__in=names, place_path=district.path)
    }
    existing = set(ServiceItem.objects.filter(place=district).values_list("name", flat=True))
    created = 0
    for entry in entries:
        if entry["name"] in existing:
            continue
        index = names.index(entry["department"])
        guide = guide_from(entry, departments[entry["department"]], issuer_code(index))
        item_save(actor=admin, place=district, guide=guide)
        created += 1
    _load_uses(district, seed)
    return created, len(existing)


def _load_uses(district: Place, seed: int) -> None:
    if ItemUse.objects.filter(item__place=district).exists():
        return
    rng = random.Random(seed)
    items = list(ServiceItem.objects.filter(place=district).values_list("pk", "name"))
    communities = Place.objects.filter(path__startswith=district.path, level=Level.COMMUNITY)
    ItemUse.objects.bulk_create(
        ItemUse(item_id=pk, community=community, count=count)
        for community in communities
        for pk, name in items
        if (count := int(POPULAR.get(name, 3) * rng.uniform(0.3, 1.5)) + rng.randint(0, 4))
    )
