import io

from openpyxl import load_workbook

from meihao.core.excel import (
    MAX_TEXT,
    PROGRESS_EVERY,
    Bold,
    Choice,
    Sheet,
    workbook_bytes,
    write_workbook,
)


def test_sheets_header_bold_rows_and_text_columns():
    book = load_workbook(
        io.BytesIO(
            workbook_bytes(
                [
                    Sheet(
                        "一个标题长于三十一个字符的工作表名称会被截断因为Excel不接受更长的名称",
                        [["张三", "0450403"], Bold(["小计", 2])],
                        header=["姓名", "编码"],
                        text_columns=frozenset({1}),
                        blank_rows=2,
                    ),
                    Sheet("Second", ([n] for n in range(3))),
                ]
            )
        )
    )
    first, second = book.worksheets
    assert len(first.title) == 31
    assert [[c.value for c in row] for row in first.iter_rows(max_row=3)] == [
        ["姓名", "编码"],
        ["张三", "0450403"],
        ["小计", 2],
    ]
    assert first["A1"].font.b and first["A3"].font.b and not first["A2"].font.b
    assert first.freeze_panes == "A2"
    assert first["B2"].number_format == "@" and first["B5"].number_format == "@"
    assert first.max_row == 5  # two blank template rows
    assert [row[0] for row in second.iter_rows(values_only=True)] == [0, 1, 2]


def test_rows_beyond_what_a_sheet_holds_end_in_a_note(monkeypatch):
    from meihao.core import excel

    monkeypatch.setattr(excel, "MAX_ROWS", 5)
    book = load_workbook(
        io.BytesIO(workbook_bytes([Sheet("Rows", ([n] for n in range(10)), header=["n"])]))
    )
    sheet = book.worksheets[0]
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == [
        "n",
        0,
        1,
        2,
        "另有 7 行未列入本表：Excel 每表最多 5 行。",
    ]
    assert sheet["A5"].font.b


def test_progress_is_reported_while_writing():
    seen = []
    rows = ([n] for n in range(PROGRESS_EVERY * 2 + 1))
    written = write_workbook([Sheet("Rows", rows)], io.BytesIO(), progress=seen.append)
    assert written == PROGRESS_EVERY * 2 + 1
    assert seen == [PROGRESS_EVERY, PROGRESS_EVERY * 2]


def test_a_template_sheet_has_its_banner_widths_and_drop_down():
    book = load_workbook(
        io.BytesIO(
            workbook_bytes(
                [
                    Sheet(
                        "模板",
                        [["=1+1", "https://example.com/a"]],
                        header=["姓名", "性别"],
                        widths=(12, 8),
                        banner=True,
                        wrap=True,
                        validations=[Choice("B2:B11", ["男", "女"])],
                    )
                ]
            )
        )
    )
    sheet = book.worksheets[0]
    header = sheet["A1"]
    assert header.font.b and header.font.color.rgb.endswith("FFFFFF")
    assert header.fill.fgColor.rgb.endswith("C8102E") and header.alignment.horizontal == "center"
    assert sheet.column_dimensions["A"].width == 12
    assert sheet.column_dimensions["B"].width < sheet.column_dimensions["A"].width
    (rule,) = sheet.data_validations.dataValidation
    assert rule.type == "list" and rule.formula1 == '"男,女"' and str(rule.sqref) == "B2:B11"
    # Text stays text: neither a formula nor a link.
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    assert sheet["B2"].hyperlink is None
    assert sheet["A2"].alignment.wrap_text and sheet["A2"].number_format == "@"


def test_values_titles_and_text_excel_cannot_hold():
    long = "长" * (MAX_TEXT + 5)
    book = load_workbook(
        io.BytesIO(
            workbook_bytes(
                [
                    Sheet("台账: 2026/11", [[True, 2.5, 7, " 前后空格 ", "响\x07铃", long, "<&>"]]),
                    Sheet("台账: 2026/11", [[None, "", "x"]]),
                ]
            )
        )
    )
    first, second = book.worksheets
    # Excel refuses []:*?/\ in a title and the same title twice.
    assert [first.title, second.title] == ["台账  2026 11", "台账  2026 11 (2)"]
    assert [c.value for c in first[1]] == [
        True,
        2.5,
        7,
        " 前后空格 ",
        "响铃",
        long[:MAX_TEXT],
        "<&>",
    ]
    assert [c.value for c in second[1]] == [None, None, "x"]
