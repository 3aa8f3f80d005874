"""Excel import (all rows or none, each bad cell reported in Chinese) and export (masked)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from openpyxl import Workbook, load_workbook

from meihao.core.models import AuditEvent
from meihao.insights.models import ExportJob
from meihao.people import excel
from meihao.people.models import Person
from meihao.people.tests.factories import PersonFactory, make_id_number

HEADER = ["姓名", "性别", "出生日期", "身份证号", "手机号", "社区或网格编码", "地址", "标签"]


def workbook(rows, header=HEADER) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("people.xlsx", out.getvalue(), content_type=excel.XLSX_CONTENT_TYPE)


def good_rows(tree):
    return [
        [
            "赵一",
            "男",
            "",
            make_id_number(serial=11),
            "13911110001",
            tree.grid_a1.code,
            "",
            "老年人",
        ],
        ["钱二", "", "1980-05-17", make_id_number(serial=12), "", tree.grid_a2.code, "2栋", ""],
        ["孙三", "", "", "", "13911110003", tree.community_a.code, "", "独居、退役军人"],
    ]


def upload(client, file):
    return client.post("/people/import/", {"file": file})


def test_template_has_the_chinese_header_and_an_instructions_sheet(client, personas):
    client.force_login(personas.community_staff_a)
    response = client.get("/people/import/template/")
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    book = load_workbook(io.BytesIO(response.content))
    data, instructions = book.worksheets
    assert [c.value for c in data[1]] == HEADER
    assert data.max_row == 1 or all(c.value is None for c in data[2])
    assert data["D2"].number_format == "@"  # ID numbers stay text, not rounded numbers
    (genders,) = data.data_validations.dataValidation
    assert genders.formula1 == '"男,女"' and str(genders.sqref) == "B2:B1001"
    text = " ".join(str(c.value) for row in instructions.iter_rows() for c in row if c.value)
    assert "450403198005170035" in text and "GB 11643" in text


def test_the_template_itself_imports_once_filled(client, personas):
    client.force_login(personas.community_staff_a)
    book = load_workbook(io.BytesIO(client.get("/people/import/template/").content))
    sheet = book.worksheets[0]
    for row in good_rows(personas.tree):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    response = upload(client, SimpleUploadedFile("t.xlsx", out.getvalue()))
    assert response.status_code == 302, response.content.decode()
    assert Person.objects.filter(real_name__in=["赵一", "钱二", "孙三"]).count() == 3


def test_a_good_file_imports_every_row(client, personas):
    client.force_login(personas.community_staff_a)
    before = Person.objects.count()
    response = upload(client, workbook(good_rows(personas.tree)))
    assert response.status_code == 302
    assert Person.objects.count() == before + 3
    zhao = Person.objects.get(real_name="赵一")
    assert zhao.id_number_plain() == make_id_number(serial=11)
    assert zhao.gender == "male" and zhao.home_place_path == personas.tree.grid_a1.path
    assert list(zhao.tags.values_list("tag", flat=True)) == ["elder"]
    sun = Person.objects.get(real_name="孙三")
    assert sorted(sun.tags.values_list("tag", flat=True)) == ["living_alone", "veteran"]
    assert AuditEvent.objects.filter(action="person_import").count() == 3
    assert "已导入 3 人" in client.get(response["Location"]).content.decode()


def test_one_bad_row_imports_nothing_and_names_row_and_column_in_chinese(client, personas):
    client.force_login(personas.community_staff_a)
    rows = good_rows(personas.tree)
    rows[1][3] = make_id_number(serial=12)[:17] + (
        "0" if make_id_number(serial=12)[-1] != "0" else "1"
    )
    before = (Person.objects.count(), AuditEvent.objects.count())
    response = upload(client, workbook(rows))
    page = response.content.decode()
    assert response.status_code == 400
    assert "第3行「身份证号」：身份证号校验位错误，请核对。" in page
    assert "未导入任何数据" in page
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_every_bad_cell_is_reported(client, personas):
    client.force_login(personas.community_staff_a)
    tree = personas.tree
    rows = [
        ["", "男", "", "", "", tree.grid_a1.code, "", ""],
        ["周四", "不详", "昨天", "", "1234", "999999999999", "", "宠物"],
        ["吴五", "", "", make_id_number(serial=21), "", tree.grid_b1.code, "", ""],
        ["郑六", "", "", make_id_number(serial=21), "", tree.grid_a1.code, "", ""],
    ]
    page = upload(client, workbook(rows)).content.decode()
    for expected in [
        "第2行「姓名」：请填写真实姓名。",
        "第3行「性别」：请填写“男”或“女”。",
        "第3行「出生日期」：日期格式应为 YYYY-MM-DD。",
        "第3行「手机号」",
        "第3行「社区或网格编码」：没有编码为 999999999999 的社区或网格。",
        "第3行「标签」：未知标签：宠物。",
        # Community B is out of community A's sight: its grid reads like a missing code.
        f"第4行「社区或网格编码」：没有编码为 {tree.grid_b1.code} 的社区或网格。",
        "第5行「身份证号」：与第4行的身份证号重复。",
    ]:
        assert expected in page
    assert not Person.objects.filter(real_name__in=["周四", "吴五", "郑六"]).exists()


def test_a_number_already_registered_is_reported(client, personas):
    PersonFactory(home_place=personas.tree.grid_b1, id_number=make_id_number(serial=11))
    client.force_login(personas.community_staff_a)
    page = upload(client, workbook(good_rows(personas.tree))).content.decode()
    assert "第2行「身份证号」：该身份证号已登记过。" in page
    assert not Person.objects.filter(real_name="赵一").exists()


def test_an_id_number_typed_as_an_excel_number_is_reported(client, personas):
    client.force_login(personas.community_staff_a)
    rows = good_rows(personas.tree)[:1]
    rows[0][3] = 450403198005170035
    page = upload(client, workbook(rows)).content.decode()
    assert "第2行「身份证号」：请将身份证号列设为文本格式" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a workbook", "文件不是 Excel 工作簿"),
        (None, "第一行必须是模板的列名"),
        ("empty", "文件中没有可导入的数据行"),
    ],
)
def test_files_that_are_not_the_template_are_refused(client, personas, content, message):
    client.force_login(personas.community_staff_a)
    if content is None:
        file = workbook([["x"]], header=["名字", "电话"])
    elif content == "empty":
        file = workbook([])
    else:
        file = SimpleUploadedFile("x.xlsx", content)
    before = Person.objects.count()
    response = upload(client, file)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Person.objects.count() == before


def test_import_by_a_grid_worker_is_404(client, personas):
    client.force_login(personas.grid_worker_a)
    before = Person.objects.count()
    assert upload(client, workbook(good_rows(personas.tree))).status_code == 404
    assert Person.objects.count() == before


# Export -----------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def exported(client, q=""):
    """Confirm the export, let the worker write it (Huey runs immediately in tests), fetch it."""
    assert client.get("/people/export/", {"q": q} if q else {}).status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/people/export/", {"q": q})
    assert response.status_code == 302
    status = client.get(response["Location"]).content.decode()
    assert 'data-state="done"' in status
    job = ExportJob.objects.filter(kind=ExportJob.Kind.RESIDENTS).latest("pk")
    download = client.get(f"/insights/exports/{job.pk}/download/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    content = b"".join(download.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_export_is_the_scoped_filtered_list_with_personal_data_masked(client, personas):
    tree = personas.tree
    PersonFactory(
        real_name="出口甲",
        phone="13955556666",
        home_place=tree.grid_a1,
        id_number=make_id_number(serial=31),
        tags=["elder"],
    )
    PersonFactory(real_name="出口乙", home_place=tree.grid_a2, id_number=make_id_number(serial=32))
    PersonFactory(real_name="出口丙", home_place=tree.grid_b1, id_number=make_id_number(serial=33))
    client.force_login(personas.community_staff_a)

    rows = exported(client, "出口")
    assert rows[0][:6] == ["姓名", "性别", "出生日期", "身份证号", "手机号", "社区或网格编码"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"出口甲", "出口乙"}  # 出口丙 lives in community B
    first = by_name["出口甲"]
    number = make_id_number(serial=31)
    assert first[1:7] == [
        "男",
        "1980-05-17",
        number[:6] + "********" + number[-4:],
        "139****6666",
        tree.grid_a1.code,
        tree.grid_a1.name,
    ]
    assert first[8] == "老年人"
    cells = " ".join(str(v) for row in rows for v in row if v)
    assert number not in cells and "13955556666" not in cells

    everyone = exported(client)
    assert {"出口甲", "出口乙"} <= {row[0] for row in everyone[1:]}
    assert "出口丙" not in {row[0] for row in everyone[1:]}


def test_export_by_someone_without_the_list_is_404(client, personas):
    client.force_login(personas.resident_a)
    assert client.get("/people/export/").status_code == 404
    assert client.post("/people/export/").status_code == 404
    assert not ExportJob.objects.exists()


def test_the_export_file_is_only_for_the_user_who_asked(client, personas):
    PersonFactory(real_name="出口丁", home_place=personas.tree.grid_a1)
    client.force_login(personas.community_staff_a)
    exported(client)
    job = ExportJob.objects.get()
    client.force_login(personas.street_chief_a)  # sees the same people, did not ask
    assert client.get(f"/insights/exports/{job.pk}/").status_code == 404
    assert client.get(f"/insights/exports/{job.pk}/download/").status_code == 404
