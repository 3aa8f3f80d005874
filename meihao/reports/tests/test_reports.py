"""Reports: the prose, the best/worst rule, scoping, immutability, the worker's files."""

import ctypes
import io
import subprocess
from datetime import date
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
import time_machine
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.shared import Pt
from openpyxl import load_workbook
from PIL import Image
from reportlab.lib.pagesizes import A4

from meihao.core.errors import IllegalTransition, NotFound, ValidationFailed
from meihao.core.pdf import MARGIN
from meihao.insights.registry import Measure, Unit
from meihao.insights.tests.conftest import build_month, local
from meihao.reports import content, services
from meihao.reports.models import Report

# After May 2024 (the insights tests' hand-built month of cases) and all of 2024.
LATER = local(2025, 2, 3, 10, 0)
CHAPTERS_ZH = ["第一章 治理", "第二章 服务", "第三章 平安", "第四章 人文", "第五章 党建"]
RED = (0xC8, 0x10, 0x2E)  # the charts' bars, line and markers


def _figure(value, previous, *, rate=True, denominator=10):
    return content.Figure(
        code="on_time_closure_rate",
        name="按期结案率",
        unit="%" if rate else "count",
        is_rate=rate,
        measure=Measure(value, value or 0, denominator if rate else None),
        previous=Measure(previous, previous or 0, denominator if rate else None),
        link="",
    )


@pytest.fixture
def zh():
    with translation.override("zh-hans"):
        yield


def test_a_rising_rate_says_up_in_percentage_points(zh):
    text = content.sentence("monthly", _figure(82.5, 80.0))
    assert text == "按期结案率为82.5%，较上月提高2.5个百分点。"


def test_a_falling_rate_says_down_and_the_year_compares_with_the_previous_year(zh):
    assert content.sentence("monthly", _figure(70.0, 80.0)) == (
        "按期结案率为70%，较上月下降10个百分点。"
    )
    assert content.sentence("annual", _figure(70.0, 80.0)) == (
        "按期结案率为70%，较上年下降10个百分点。"
    )
    assert content.sentence("monthly", _figure(80.0, 80.0)) == "按期结案率为80%，与上月持平。"


def test_a_figure_without_records_has_no_sentence(zh):
    assert content.sentence("monthly", _figure(None, 80.0, denominator=0)) is None
    assert content.sentence("monthly", _figure(0, 3, rate=False)) is None
    # No previous figure: the value alone, no comparison.
    assert content.sentence("monthly", _figure(50.0, None)) == "按期结案率为50%。"


def _amount(name, unit, value, previous):
    return content.Figure(
        code="x",
        name=name,
        unit=unit,
        is_rate=False,
        measure=Measure(value, value, None),
        previous=Measure(previous, previous, None),
        link="",
    )


def test_an_amount_says_its_unit_once(zh):
    hours = _amount("志愿服务时长", Unit.HOURS, 4519.1, 4859.3)
    assert content.sentence("monthly", hours) == "志愿服务时长为4519.1小时，较上月减少340.2小时。"
    # A name that ends with its unit does not say it again.
    points = _amount("兑换积分", Unit.POINTS, 10200, 11130)
    assert content.sentence("monthly", points) == "兑换积分为10200，较上月减少930。"


def test_english_is_complete():
    with translation.override("en"):
        text = content.sentence("monthly", _figure(82.5, 80.0))
    assert text == ("按期结案率 was 82.5%, up 2.5 percentage points on the previous month.")


def test_the_headline_counts_the_problems_and_says_how_many_closed_on_time(zh):
    cases = _figure(224, 212, rate=False)
    assert content.headline("monthly", cases, _figure(62.4, 55.1)) == (
        "本月共受理群众反映问题224件，按期结案率为62.4%，较上月提高7.3个百分点。"
    )
    # Nothing rated: the count alone; nothing reported: no headline.
    none_rated = _figure(None, 55.1, denominator=0)
    assert content.headline("annual", cases, none_rated) == "本年度共受理群众反映问题224件。"
    assert content.headline("monthly", _figure(0, 3, rate=False), _figure(62.4, 55.1)) is None


def test_a_chapters_sentences_are_one_paragraph_and_the_overview_names_the_chapter(zh):
    first = content.sentence("monthly", _figure(70.0, 80.0))
    second = content.sentence("monthly", _figure(80.0, 80.0))
    assert content.paragraph([first, second]) == (
        "按期结案率为70%，较上月下降10个百分点。按期结案率为80%，与上月持平。"
    )
    assert content.lead("服务", content.clause("monthly", _figure(80.0, 80.0))) == (
        "服务方面，按期结案率为80%，与上月持平。"
    )
    with translation.override("en"):
        assert content.paragraph(["One.", "Two."]) == "One. Two."


def test_best_and_worst_by_rule_only_among_places_with_enough_cases():
    rows = [
        ("甲街道", Measure(95.0, 19, 20)),
        ("乙街道", Measure(100.0, 2, 2)),  # too few cases to be compared
        ("丙街道", Measure(60.0, 6, 10)),
        ("丁街道", Measure(None, 0, 0)),
        ("戊街道", Measure(80.0, 8, 10)),
    ]
    chosen = content.pick_performers(rows, 5)
    assert chosen.best[0] == "甲街道"
    assert chosen.worst[0] == "丙街道"
    assert chosen.eligible == 3
    alone = content.pick_performers(rows[:2], 5)
    assert alone.best is None and alone.worst is None
    with translation.override("zh-hans"):
        assert "不足两个" in content.performers_sentence(alone, 5, "按期结案率")
        said = content.performers_sentence(chosen, 5, "按期结案率")
    assert said == (
        "各下级单位按期结案率（仅比较计入案件不少于5件的单位）中，"
        "甲街道最高（95%），丙街道最低（60%）。"
    )


@pytest.fixture
def may(personas):
    return build_month(personas)


def _ask(actor, place, kind="monthly", period="2024-05", *, run=True):
    with (
        time_machine.travel(LATER, tick=False),
        translation.override("zh-hans"),
        TestCase.captureOnCommitCallbacks(execute=run),
    ):
        return services.report_request(
            actor=actor,
            place_code=place.code,
            kind=kind,
            **({"year": period} if kind == "annual" else {"month": period}),
        )


def test_the_monthly_report_of_a_street_is_issued_with_three_files(personas, may):
    street = personas.tree.street_a
    report = _ask(personas.street_chief_a, street)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    assert report.issued_at is not None and report.progress == 100
    assert report.pdf.name.startswith("reports/") and report.docx and report.xlsx
    with report.docx.open("rb") as f:
        document = Document(io.BytesIO(f.read()))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["总体情况", *CHAPTERS_ZH]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "本月共受理群众反映问题" in text
    assert document.paragraphs[0].text == "城东街道2024年5月月度报告"
    # The governance chapter's two charts (the communities' on-time closure rate, the cases
    # month by month) as pictures the width of the A4 page's text, drawn at 200 dpi.
    section = document.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.5)
    assert len(document.inline_shapes) == 2
    for shape in document.inline_shapes:
        assert shape.width == Pt(A4[0] - 2 * MARGIN)
        assert 0.3 < shape.height / shape.width < 0.5
        image = _picture(document, shape)
        assert image.width >= 1200 and image.height >= 500
        # Drawn, not blank: the chart's red, and dark text (title and axes).
        colours = {colour for _n, colour in image.getcolors(maxcolors=1 << 20)}
        assert RED in colours
        assert min(sum(colour) for colour in colours) < 150
    with report.xlsx.open("rb") as f:
        workbook = load_workbook(io.BytesIO(f.read()), read_only=True)
    assert workbook.sheetnames[0] == "指标"
    assert any("上报数" in name for name in workbook.sheetnames)


@pytest.fixture
def issued(personas, may):
    return _ask(personas.district_admin, personas.tree.district, "annual", "2024")


def test_the_annual_report_pdf_has_pages_with_the_place_name(issued, tmp_path):
    issued.refresh_from_db()
    assert issued.status == Report.Status.DONE, issued.error
    path = Path(issued.pdf.path)
    subprocess.run(
        ["/usr/bin/pdftoppm", "-png", "-r", "40", str(path), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) > 1
    assert all(p.stat().st_size > 1000 for p in pages)
    pdf = pypdfium2.PdfDocument(str(path))
    texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    text = "".join(texts)
    assert "万秀区" in text and "2024" in text
    assert "按期结案率" in text
    # The charts are drawn in the PDF: on the page with the streets' chart, red shapes (its
    # bars and the cases' line's twelve markers), and none on the cover.
    charted = next(i for i, page in enumerate(texts) if "下级单位按期结案率" in page)
    assert _red_shapes(pdf[charted]) >= 12
    assert _red_shapes(pdf[0]) == 0
    with issued.docx.open("rb") as f:
        document = Document(io.BytesIO(f.read()))
    assert any(len(table.rows) > 1 for table in document.tables)
    assert len(document.inline_shapes) == 2


def _picture(document, shape) -> Image.Image:
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip
    return Image.open(io.BytesIO(document.part.related_parts[blip.embed].blob)).convert("RGB")


def _red_shapes(page) -> int:
    """The path objects on a PDF page filled in the charts' red."""
    count = 0
    for shape in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        if pdfium_c.FPDFPageObj_GetFillColor(shape.raw, r, g, b, a) and (
            (r.value, g.value, b.value) == RED
        ):
            count += 1
    return count


def test_an_issued_report_never_changes_and_asking_again_writes_a_new_version(personas, issued):
    issued.refresh_from_db()
    pdf_name = issued.pdf.name
    issued.progress = 3
    with pytest.raises(IllegalTransition):
        issued.save()
    assert services.report_run(issued.pk) == ""  # the worker does not touch it again
    again = _ask(personas.district_admin, personas.tree.district, "annual", "2024")
    assert again.pk != issued.pk and again.version == 2
    issued.refresh_from_db()
    assert issued.pdf.name == pdf_name and issued.version == 1


def test_asking_again_while_it_is_written_follows_that_report(personas, may):
    first = _ask(personas.street_chief_a, personas.tree.street_a, run=False)
    second = _ask(personas.street_chief_a, personas.tree.street_a, run=False)
    assert first.pk == second.pk
    assert Report.objects.count() == 1
    assert first.status == Report.Status.QUEUED


def test_bad_input_is_refused_in_words(personas):
    chief, street = personas.street_chief_a, personas.tree.street_a
    with pytest.raises(ValidationFailed):
        _ask(chief, street, "monthly", "2024-13")
    with pytest.raises(ValidationFailed):
        _ask(chief, street, "annual", "２０２４")
    with pytest.raises(ValidationFailed):
        _ask(chief, street, "weekly", "2024-05")
    with pytest.raises(ValidationFailed):  # not over yet
        _ask(chief, street, "monthly", "2025-02")
    with pytest.raises(ValidationFailed):  # a year that cannot be read is never ignored
        services.report_request(
            actor=chief, place_code=street.code, kind="monthly", month="2024-05", year="20x4"
        )
    with pytest.raises(NotFound):  # the other street
        _ask(chief, personas.tree.street_b, "monthly", "2024-05")
    assert not Report.objects.exists()


def test_the_request_form_answers_400_in_words_and_writes_nothing(client, personas):
    client.force_login(personas.street_chief_a)
    with time_machine.travel(LATER, tick=False):
        response = client.post(
            reverse("reports:new"),
            {"place": personas.tree.street_a.code, "kind": "monthly", "month": "2024-99"},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 400
    assert "YYYY-MM" in response.content.decode()
    assert not Report.objects.exists()


def test_pages_and_downloads_are_scoped(client, personas, issued):
    detail = reverse("reports:detail", args=[issued.pk])
    pdf = reverse("reports:download", args=[issued.pk, "pdf"])
    client.force_login(personas.district_admin)
    page = client.get(reverse("reports:list"))
    assert page.status_code == 200 and f'data-report="{issued.pk}"' in page.content.decode()
    shown = client.get(detail)
    assert shown.status_code == 200 and "report-pdf" in shown.content.decode()
    download = client.get(pdf)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("reports:download", args=[issued.pk, "exe"])).status_code == 404
    for name in ("street_chief_a", "community_staff_a", "resident_a", "grid_worker_a", "outsider"):
        client.force_login(getattr(personas, name))
        assert client.get(detail).status_code == 404, name
        assert client.get(pdf).status_code == 404, name
        listed = client.get(reverse("reports:list"))
        assert f'data-report="{issued.pk}"' not in listed.content.decode()
    client.force_login(personas.resident_a)
    assert client.get(reverse("reports:list")).status_code == 404
    # The street's own report is read by its chief and the district's admin.
    street = _ask(personas.street_chief_a, personas.tree.street_a)
    for name, status in (
        ("street_chief_a", 200),
        ("district_admin", 200),
        ("community_staff_a", 404),
    ):
        client.force_login(getattr(personas, name))
        assert client.get(reverse("reports:detail", args=[street.pk])).status_code == status


def test_the_status_fragment_polls_until_done(client, personas, issued):
    client.force_login(personas.district_admin)
    response = client.get(reverse("reports:detail", args=[issued.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'data-state="done"' in body and "<html" not in body


def _archived(personas, years):
    for year in years:
        Report.objects.create(
            place=personas.tree.street_a,
            place_path=personas.tree.street_a.path,
            kind=Report.Kind.ANNUAL,
            first_day=date(year, 1, 1),
            last_day=date(year, 12, 31),
            requested_by=personas.street_chief_a,
        )


def test_the_archive_costs_the_same_queries_however_long(client, personas):
    client.force_login(personas.street_chief_a)
    counts = []
    for years, listed in ((range(2010, 2011), 1), (range(2011, 2016), 6)):
        _archived(personas, years)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("reports:list"))
        assert response.status_code == 200
        assert response.content.decode().count("data-report=") == listed
        counts.append(len(queries))
    assert counts[0] == counts[1]
