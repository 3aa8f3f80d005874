import io

from openpyxl import load_workbook

from meihao.core.excel import PROGRESS_EVERY, Bold, Sheet, workbook_bytes, write_workbook


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


def test_progress_is_reported_while_writing():
    seen = []
    rows = ([n] for n in range(PROGRESS_EVERY * 2 + 1))
    written = write_workbook([Sheet("Rows", rows)], io.BytesIO(), progress=seen.append)
    assert written == PROGRESS_EVERY * 2 + 1
    assert seen == [PROGRESS_EVERY, PROGRESS_EVERY * 2]
