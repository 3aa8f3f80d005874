"""云家庭's pages for care staff: registering an elder, their record, family and assessments —
as a person uses them, with bad input refused on the page and nobody outside reading anything."""

import pytest
from django.utils import timezone

from meihao.core.models import AuditEvent
from meihao.core.testing import make_user
from meihao.eldercare.models import Assessment, Elder, FamilyLink
from meihao.eldercare.tests.test_scoring import answers_totalling


def test_staff_find_a_resident_register_them_and_read_the_record(client, personas, grandma, clock):
    client.force_login(personas.community_staff_a)
    assert "elders-empty" in client.get("/elders/").content.decode()
    found = client.get("/elders/register/", {"q": "黄"}).content.decode()
    assert f'data-person="{grandma.pk}"' in found
    form = f"/elders/register/{grandma.pk}/"
    # Bad input: said on the page in Chinese, nothing registered.
    refused = client.post(form, {"living": "alone", "contact-0-name": "女儿"})
    assert refused.status_code == 400
    assert "紧急联系人需要填写姓名和电话" in refused.content.decode()
    assert not Elder.objects.exists()
    done = client.post(
        form,
        {
            "living": "alone",
            "health_notes": "<script>alert(1)</script>糖尿病",
            "contact-0-name": "黄小红",
            "contact-0-relation": "女儿",
            "contact-0-phone": "0774-3822345",
        },
    )
    elder = Elder.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/elders/{elder.pk}/"
    page = client.get(done["Location"]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;糖尿病" in page and "<script>alert" not in page
    assert "0774-3822345" in page and "独居" in page
    # Reading the notes is audited; the list shows the name masked.
    assert AuditEvent.objects.filter(kind="pii_read", action="read:health_notes").count() == 1
    listed = client.get("/elders/").content.decode()
    assert "黄**" in listed and "黄阿婆" not in listed and "未评估" in listed
    # Registered once: no longer offered.
    assert (
        f'data-person="{grandma.pk}"'
        not in client.get("/elders/register/", {"q": "黄"}).content.decode()
    )
    assert client.get(form).status_code == 404


def test_nobody_outside_the_elders_places_reaches_any_of_its_pages(
    client, personas, elder, community_staff_b
):
    assessment = Assessment.objects.create(
        elder=elder,
        scale_id=1,
        reason="first",
        assessed_on="2026-12-01",
        assessor=personas.community_staff_a,
        answers={},
        risk_events=0,
        dimension_scores={},
        total=0,
        initial_level=4,
        level=4,
    )
    pages = [
        f"/elders/{elder.pk}/",
        f"/elders/{elder.pk}/edit/",
        f"/elders/{elder.pk}/assess/",
        f"/elders/assessments/{assessment.pk}/",
    ]
    for outsider in (community_staff_b, personas.grid_worker_a, personas.resident_a):
        client.force_login(outsider)
        for url in pages:
            assert client.get(url).status_code == 404, (outsider, url)
        assert client.post(f"/elders/{elder.pk}/family/", {"phone": "1"}).status_code == 404
    client.force_login(personas.resident_a)
    assert client.get("/elders/").status_code == 404
    for bad in ("abc", "99999999999999999999999", "-1"):
        client.force_login(personas.community_staff_a)
        assert client.get(f"/elders/{bad}/").status_code == 404
        assert client.get(f"/elders/register/{bad}/").status_code == 404


def test_staff_assess_on_the_form_and_print_the_report(client, personas, elder):
    client.force_login(personas.community_staff_a)
    form = client.get(f"/elders/{elder.pk}/assess/").content.decode()
    assert 'name="item-eating"' in form and "自理能力" in form and "上下楼梯" in form
    answers = {f"item-{code}": str(score) for code, score in answers_totalling(70).items()}
    incomplete = {k: v for k, v in answers.items() if k != "item-stairs"}
    refused = client.post(
        f"/elders/{elder.pk}/assess/",
        {"reason": "first", "assessed_on": "2026-12-05", "risk_events": "0", **incomplete},
    )
    assert refused.status_code == 400 and "请为“上下楼梯”选择一项" in refused.content.decode()
    # What was chosen stays chosen.
    eating = answers["item-eating"]
    assert f'id="item-eating-{eating}" value="{eating}" checked' in refused.content.decode()
    for bad in ({"assessed_on": "tomorrow"}, {"risk_events": "many"}, {"reason": "x"}):
        response = client.post(
            f"/elders/{elder.pk}/assess/",
            {"reason": "first", "assessed_on": "2026-12-05", "risk_events": "0", **answers, **bad},
        )
        assert response.status_code == 400, bad
    assert not Assessment.objects.exists()
    done = client.post(
        f"/elders/{elder.pk}/assess/",
        {
            "reason": "first",
            "assessed_on": "2026-12-05",
            "risk_events": "3",
            "conditions": ["dementia"],
            **answers,
        },
    )
    assessment = Assessment.objects.get()
    assert done["Location"] == f"/elders/assessments/{assessment.pk}/"
    report = client.get(done["Location"]).content.decode()
    assert 'id="total">70<' in report
    assert "能力中度受损" in report and "确诊为认知障碍/痴呆" in report
    assert "能力轻度受损" in report  # the level by the score, before the overrides
    listed = client.get("/elders/").content.decode()
    assert "能力中度受损" in listed


def test_staff_record_a_family_member_who_then_ends_the_link(client, personas, elder):
    daughter = make_user("13900001111", "黄小红")
    client.force_login(personas.community_staff_a)
    assert (
        client.post(
            f"/elders/{elder.pk}/family/", {"phone": "13900009999", "relation": "女儿"}
        ).status_code
        == 400
    )
    response = client.post(
        f"/elders/{elder.pk}/family/", {"phone": "13900001111", "relation": "女儿"}
    )
    assert response.status_code == 302
    link = FamilyLink.objects.get()
    assert link.user == daughter
    assert "黄小红 · 女儿" in client.get(f"/elders/{elder.pk}/").content.decode()
    client.post(f"/elders/{elder.pk}/family/{link.pk}/end/")
    link.refresh_from_db()
    assert link.ended_at is not None
    assert client.post(f"/elders/{elder.pk}/family/{link.pk}/end/").status_code == 404


@pytest.mark.parametrize("living", ["", "tent"])
def test_editing_with_a_bad_living_situation_changes_nothing(client, personas, elder, living):
    client.force_login(personas.community_staff_a)
    response = client.post(f"/elders/{elder.pk}/edit/", {"living": living, "health_notes": "x"})
    assert response.status_code == 400
    elder.refresh_from_db()
    assert elder.living == "alone" and elder.health_notes == "高血压，每日服药"


def test_the_report_downloads_as_a_pdf_with_the_chinese_font_and_every_item(
    client, personas, elder, community_staff_b
):
    import pypdfium2

    from meihao.eldercare import services

    assessment = services.assessment_record(
        actor=personas.community_staff_a,
        elder=elder,
        reason="first",
        assessed_on=elder.created_at.date(),
        answers=answers_totalling(50),
        conditions=["dementia"],
    )
    client.force_login(personas.community_staff_a)
    response = client.get(f"/elders/assessments/{assessment.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    body = response.content
    assert body.startswith(b"%PDF") and b"/FontFile2" in body
    text = "".join(
        page.get_textpage().get_text_range().replace("\r\n", "")
        for page in pypdfium2.PdfDocument(body)
    )
    for printed in (
        "老年人能力评估报告",
        "黄阿婆",
        "能力重度受损",
        "确诊为认知障碍/痴呆",
        "上下楼梯",
        "社会交往能力",
    ):
        assert printed in text, printed
    client.force_login(community_staff_b)
    assert client.get(f"/elders/assessments/{assessment.pk}/pdf/").status_code == 404


def test_a_family_member_follows_the_elders_visits_but_not_her_health_notes(
    client, personas, elder
):
    from meihao.cases.extensions import vocabulary_of
    from meihao.cases.models import Case
    from meihao.eldercare import services
    from meihao.eldercare.visits import visits_schedule

    daughter = make_user("13900001111", "黄小红")
    link = services.family_link_record(
        actor=personas.community_staff_a, elder=elder, phone="13900001111", relation="女儿"
    )
    visits_schedule()
    client.force_login(daughter)
    page = client.get("/elders/family/").content.decode()
    assert "黄阿婆" in page and "女儿" in page and "独居" in page
    visit = Case.objects.get(case_type__code="VISIT")
    waiting = str(vocabulary_of(visit.case_type).status_label(visit.status))
    assert f"{timezone.localtime(visit.created_at):%Y-%m-%d}" in page and waiting in page
    assert "高血压" not in page  # the notes are for care staff only
    # Someone else acts for no one: the empty state, nothing of the elder.
    client.force_login(personas.resident_b)
    page = client.get("/elders/family/").content.decode()
    assert "family-empty" in page and "黄阿婆" not in page
    assert client.post(f"/elders/family/{link.pk}/leave/").status_code == 404
    client.force_login(daughter)
    assert client.post(f"/elders/family/{link.pk}/leave/").status_code == 302
    assert "family-empty" in client.get("/elders/family/").content.decode()
