import pytest
from django.core.management import call_command

from meihao.cases.formschema import check_schema
from meihao.cases.models import CaseCategory, CaseType
from meihao.core.errors import ValidationFailed


def test_grid_catalogue_is_loaded_with_the_other_classes(grid_type):
    assert grid_type.number_prefix == "WG"
    minors = dict(grid_type.categories.filter(parent__isnull=False).values_list("code", "name_zh"))
    for name in (
        "乱摆卖",
        "占道经营",
        "噪音扰民",
        "非法小广告",
        "乱堆杂物",
        "其他事件",
        "其他部件",
    ):
        assert name in minors.values()
    assert len(minors) == 46
    vending = grid_type.categories.get(code="0501")
    assert (vending.department, vending.time_limit, vending.time_unit) == ("城管", 2, "work_hours")
    assert vending.parent.code == "05" and vending.parent.name_zh == "街面秩序"
    # everyday words find their class in the picker
    assert grid_type.categories.filter(keywords__contains="陈年垃圾").get().code == "0103"
    assert grid_type.categories.filter(keywords__contains="车辆乱停").count() == 2


def test_loading_again_changes_nothing_and_keeps_admin_edits(grid_type, capsys):
    vending = grid_type.categories.get(code="0501")
    vending.time_limit = 3
    vending.save()
    before = CaseCategory.objects.count(), CaseType.objects.count()
    call_command("load_case_classes")
    assert "0 created, 0 updated" in capsys.readouterr().out
    assert (CaseCategory.objects.count(), CaseType.objects.count()) == before
    vending.refresh_from_db()
    assert vending.time_limit == 3
    call_command("load_case_classes", "--update")
    vending.refresh_from_db()
    assert vending.time_limit == 2


@pytest.mark.parametrize(
    "schema",
    [
        [],
        {"type": "array"},
        {"properties": {"x": {"type": "date"}}},
        {"properties": {"x": {"type": "string", "pattern": "a+"}}},
        {"properties": {"x": {"type": "integer", "minimum": "1"}}},
        {"properties": {"x": {"type": "string"}}, "required": ["y"]},
    ],
)
def test_unsupported_form_schemas_are_refused(schema):
    with pytest.raises(ValidationFailed):
        check_schema(schema)


def test_a_type_of_another_app_is_loaded_once_with_its_classes(db):
    from meihao.cases.catalogue import load_case_type

    fields = {"code": "LOADTEST", "number_prefix": "LT", "name_zh": "加载测试"}
    classes = [("01", "大类", "Major", [("0101", "小类", "Minor", 2, "days")])]
    case_type = load_case_type(CaseType, CaseCategory, fields=fields, classes=classes)
    minor = case_type.categories.get(code="0101")
    assert (minor.parent.code, minor.time_limit, minor.time_unit) == ("01", 2, "days")
    minor.time_limit = 5
    minor.save()
    load_case_type(CaseType, CaseCategory, fields=fields, classes=classes)
    assert case_type.categories.count() == 2
    assert case_type.categories.get(code="0101").time_limit == 5  # the admin's edit stays
