"""The starting catalogue: the grid-report case type and its classes from data/case-classes.csv,
and `load_case_type` for the types other apps build on the engine.

Written against model classes passed in, so the data migration (historical models) and the
`load_case_classes` command share it. Idempotent: classes are matched by (type, code); existing
rows are left as edited in the admin unless `update=True`.
"""

import csv
from pathlib import Path

CSV_PATH = Path(__file__).resolve().parent / "data" / "case-classes.csv"

GRID_TYPE = {
    "code": "GRID",
    "number_prefix": "WG",
    "name_zh": "网格事件上报",
    "name_en": "Grid report",
    "submit_roles": [
        "grid_worker",
        "community_staff",
        "street_chief",
        "district_admin",
        "police_officer",
        "volunteer",
    ],
    # Residents report too (随手拍); anonymous reports come through the hotline or Open311.
    "public_may_submit": True,
    "form_schema": {},
    "dispatch_mode": "assign",
    "visibility": "public",
    # On the dispatch board and in the case statistics (the engine's other types are not).
    "grid_management": True,
    # 街长团队 24 小时内响应（立案并派遣）。
    "response_limit": 24,
    "response_unit": "hours",
    "handling_limit": 5,
    "handling_unit": "work_days",
}

MAJOR_EN = {
    "市容环境": "City appearance",
    "宣传广告": "Advertising",
    "施工管理": "Construction",
    "突发事件": "Emergencies",
    "街面秩序": "Street order",
    "市场秩序": "Market order",
    "公用设施": "Public utilities",
    "道路交通": "Roads and traffic",
    "园林绿化": "Parks and greenery",
    "其他": "Other",
}

MINOR_EN = {
    "私搭乱建": "Illegal structure",
    "暴露垃圾": "Exposed rubbish",
    "积存垃圾渣土": "Accumulated rubbish and debris",
    "道路不洁": "Dirty road",
    "乱堆杂物": "Clutter piled up",
    "露天烧烤": "Open-air barbecue",
    "餐饮油烟扰民": "Restaurant fumes",
    "动物尸体": "Animal carcass",
    "非法小广告": "Illegal flyers",
    "违规户外广告": "Unauthorised outdoor advertising",
    "街头散发广告": "Leafleting in the street",
    "施工扰民": "Construction disturbance",
    "工地扬尘": "Construction dust",
    "道路遗撒": "Spillage on the road",
    "施工占道": "Construction blocking the way",
    "路面塌陷": "Road collapse",
    "供水管道破裂": "Burst water pipe",
    "道路积水": "Flooded road",
    "下水道堵塞": "Blocked drain",
    "消防通道堵塞": "Blocked fire lane",
    "电动车楼道充电": "E-bike charging in a stairwell",
    "乱摆卖": "Unlicensed street vending",
    "占道经营": "Business on the pavement",
    "店外经营": "Business outside the shop",
    "机动车乱停放": "Illegally parked car",
    "非机动车乱停放": "Badly parked bikes",
    "噪音扰民": "Noise nuisance",
    "占道废品收购": "Scrap dealer on the pavement",
    "流浪乞讨": "Rough sleeping and begging",
    "无证经营食品": "Unlicensed food selling",
    "价格欺诈": "Price fraud",
    "销售过期食品": "Expired food on sale",
    "井盖缺失破损": "Missing or broken manhole cover",
    "路灯不亮": "Street light out",
    "消防栓损坏": "Damaged fire hydrant",
    "垃圾桶破损": "Broken rubbish bin",
    "公厕设施损坏": "Broken public toilet",
    "交通信号灯故障": "Traffic light fault",
    "交通标志损坏": "Damaged traffic sign",
    "道路护栏破损": "Damaged road railing",
    "人行道破损": "Broken pavement",
    "树木倒伏": "Fallen tree",
    "绿地毁损": "Damaged green space",
    "广告牌匾破损": "Damaged shop sign",
    "其他事件": "Other event",
    "其他部件": "Other component",
}

# The everyday words of an old town, for the class picker's search (the CSV's classes already
# cover 乱摆卖, 占道经营, 噪音扰民, 非法小广告 and 乱堆杂物 by name).
KEYWORDS = {
    "0103": "陈年垃圾 建筑垃圾 渣土",
    "0105": "杂物 堆物 楼道堆放",
    "0201": "牛皮癣 小广告",
    "0501": "流动摊贩 摆摊",
    "0502": "占道 出店经营",
    "0504": "车辆乱停 违停 乱停车",
    "0505": "车辆乱停 电动车 共享单车",
    "0506": "广场舞 音响 噪声",
}

# The catch-all classes the digital-city-management standard ends each kind with.
EXTRA_ROWS = [
    {
        "kind": "event",
        "major_code": "09",
        "major_name": "其他",
        "minor_code": "0901",
        "minor_name": "其他事件",
        "department": "",
        "time_limit": "5",
        "limit_unit": "work_days",
        "duplicate_radius_m": "50",
        "example_report": "不属于以上类别的其他问题",
    },
    {
        "kind": "component",
        "major_code": "19",
        "major_name": "其他",
        "minor_code": "1901",
        "minor_name": "其他部件",
        "department": "",
        "time_limit": "5",
        "limit_unit": "work_days",
        "duplicate_radius_m": "30",
        "example_report": "其他公共设施损坏或缺失",
    },
]


def catalogue_rows(path: Path = CSV_PATH) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    known = {row["minor_code"] for row in rows}
    return rows + [row for row in EXTRA_ROWS if row["minor_code"] not in known]


def load_grid_catalogue(CaseType, CaseCategory, *, update: bool = False) -> dict:  # noqa: N803
    """Create (or with `update`, refresh) the GRID type and its classes. Returns counts."""
    # The historical model of an early migration lacks the younger columns (grid_management).
    fields = {k: v for k, v in GRID_TYPE.items() if k != "code" and _has_field(CaseType, k)}
    case_type = CaseType.objects.filter(code=GRID_TYPE["code"]).first()
    if case_type is None:
        case_type = CaseType.objects.create(code=GRID_TYPE["code"], **fields)
    elif update:
        for key, value in fields.items():
            setattr(case_type, key, value)
        case_type.save()
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    # Grid reports are published once accepted (cases.publication). The flag is younger than the
    # migration that first loads this catalogue, whose historical model does not have it.
    published = {"public": True} if _has_field(CaseCategory, "public") else {}
    majors = {}
    for row in catalogue_rows():
        major_key = row["major_code"]
        if major_key not in majors:
            majors[major_key] = _upsert(
                CaseCategory,
                case_type,
                row["major_code"],
                {
                    "parent": None,
                    "kind": row["kind"],
                    "name_zh": row["major_name"],
                    "name_en": MAJOR_EN.get(row["major_name"], ""),
                    **published,
                },
                update,
                counts,
            )
        _upsert(
            CaseCategory,
            case_type,
            row["minor_code"],
            {
                "parent": majors[major_key],
                "kind": row["kind"],
                "name_zh": row["minor_name"],
                "name_en": MINOR_EN.get(row["minor_name"], ""),
                "keywords": KEYWORDS.get(row["minor_code"], ""),
                "department": row["department"],
                "time_limit": int(row["time_limit"]),
                "time_unit": row["limit_unit"],
                "duplicate_radius_m": int(row["duplicate_radius_m"]),
                "example": row["example_report"],
                **published,
            },
            update,
            counts,
        )
    return counts


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def _upsert(CaseCategory, case_type, code, values, update, counts):  # noqa: N803
    existing = CaseCategory.objects.filter(case_type=case_type, code=code).first()
    if existing is None:
        counts["created"] += 1
        return CaseCategory.objects.create(case_type=case_type, code=code, **values)
    if update and any(getattr(existing, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(existing, key, value)
        existing.save()
        counts["updated"] += 1
    else:
        counts["unchanged"] += 1
    return existing


def load_case_type(CaseType, CaseCategory, *, fields: dict, classes) -> object:  # noqa: N803
    """Create a case type built on the engine (time bank, micro-wishes) with its classes, for
    its app's data migration. Idempotent: an existing type and classes are left as edited.

    `fields` are the type's columns including `code`; `classes` is a list of
    (major code, Chinese name, English name, [(minor code, Chinese name, English name, time
    limit, time unit[, department]), ...]); a minor's department (a short name, 城管) routes its
    cases (cases.routing).
    """
    values = {k: v for k, v in fields.items() if k != "code"}
    case_type, _created = CaseType.objects.get_or_create(code=fields["code"], defaults=values)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for major_code, major_zh, major_en, minors in classes:
        major = _upsert(
            CaseCategory,
            case_type,
            major_code,
            {"parent": None, "name_zh": major_zh, "name_en": major_en},
            False,
            counts,
        )
        for code, name_zh, name_en, limit, unit, *department in minors:
            _upsert(
                CaseCategory,
                case_type,
                code,
                {
                    "parent": major,
                    "name_zh": name_zh,
                    "name_en": name_en,
                    "time_limit": limit,
                    "time_unit": unit,
                    "department": department[0] if department else "",
                },
                False,
                counts,
            )
    return case_type
