"""The dispute pages: intake by the staff, the mediator's steps, the agreement to print, the
party's view; bad input is a 400 in words that writes nothing, out of scope is a 404."""

from django.utils import timezone

from meihao.cases.models import Case, Status
from meihao.legal.models import Dispute, MediationSession

SCRIPT = "<script>alert(1)</script>"


def intake_form(personas, **changes):
    form = {
        "place": personas.tree.community_a.code,
        "kind": "0103",
        "facts": "物业费争议" + SCRIPT,
        "party_side_0": "applicant",
        "party_name_0": "居民甲",
        "party_phone_0": "138 0000 0007",
        "party_address_0": "",
        "party_side_1": "respondent",
        "party_name_1": "物业公司" + SCRIPT,
        "party_phone_1": "",
        "party_address_1": "骑楼街8号",
        "party_side_2": "applicant",
        "party_name_2": "",
        "party_phone_2": "",
        "party_address_2": "",
        "idempotency_key": "intake-1",
    }
    form.update(changes)
    return form


def take_in(client, personas, **changes):
    client.force_login(personas.community_staff_a)
    response = client.post("/legal/disputes/new/", intake_form(personas, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.get(case_type__code="DISPUTE")


def test_staff_take_a_dispute_in_on_the_page(client, personas, advisor_a):
    client.force_login(personas.community_staff_a)
    page = client.get("/legal/disputes/new/")
    assert page.status_code == 200 and "受理纠纷" in page.content.decode()
    case = take_in(client, personas)
    dispute = Dispute.objects.get(case=case)
    assert dispute.parties.count() == 2  # the empty third row is no party
    assert dispute.parties.get(side="applicant").phone == "13800000007"
    # Sent twice (a double tap): the first one stands.
    client.post("/legal/disputes/new/", intake_form(personas))
    assert Case.objects.filter(case_type__code="DISPUTE").count() == 1

    body = client.get(f"/legal/disputes/{case.number}/").content.decode()
    assert SCRIPT not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    listing = client.get("/legal/disputes/").content.decode()
    assert case.number in listing and SCRIPT not in listing


def test_bad_intake_answers_400_in_chinese_and_writes_nothing(client, personas, advisor_a):
    client.force_login(personas.community_staff_a)
    for changes, words in (
        ({"party_name_1": "", "party_phone_1": "", "party_address_1": ""}, "至少一名申请人"),
        ({"party_phone_0": "123"}, "手机号"),
        ({"kind": "zz"}, "请选择纠纷类别"),
        ({"place": personas.tree.community_b.code}, "请选择纠纷所在的社区或网格"),
        ({"facts": ""}, "请填写纠纷的主要事实"),
        ({"major": "on", "major_reason": ""}, "请说明纠纷重大复杂的原因"),
    ):
        response = client.post("/legal/disputes/new/", intake_form(personas, **changes))
        body = response.content.decode()
        assert response.status_code == 400 and words in body, (changes, body[:3000])
        assert 'id="intake-form"' in body  # the form again, with what was typed
    assert not Case.objects.exists()


def test_residents_and_advisors_do_not_take_disputes_in(client, personas, advisor_a):
    for user in (personas.resident_a, advisor_a, personas.street_chief_a):
        client.force_login(user)
        assert client.get("/legal/disputes/new/").status_code == 404
        assert client.post("/legal/disputes/new/", intake_form(personas)).status_code == 404
    assert not Case.objects.exists()


def test_the_mediator_works_it_on_the_page_and_prints_the_agreement(client, personas, advisor_a):
    case = take_in(client, personas)
    client.force_login(advisor_a)
    url = f"/legal/disputes/{case.number}/"
    assert client.get(f"{url}agreement.pdf").status_code == 404  # no agreement yet
    assert client.post(f"{url}take/").status_code == 302
    refused = client.post(f"{url}session/", {"held_at": "", "minutes": "60", "note": "x"})
    assert refused.status_code == 400 and "请填写调解时间" in refused.content.decode()
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"{url}session/", {"held_at": now, "minutes": "75", "note": "双方陈述" + SCRIPT}
    )
    assert response.status_code == 302
    assert MediationSession.objects.get().minutes == 75
    page = client.get(url).content.decode()
    assert "双方陈述" in page and SCRIPT not in page
    response = client.post(
        f"{url}conclude/",
        {"outcome": "agreement", "terms": "物业公司减免三个月物业费。", "performance": "当月执行"},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.REPORTED_BACK
    pdf = client.get(f"{url}agreement.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    client.force_login(personas.community_staff_a)
    refused = client.post(f"{url}follow-up/", {"note": ""})
    assert refused.status_code == 400 and "请填写回访时当事人的情况" in refused.content.decode()
    assert client.post(f"{url}follow-up/", {"note": "已减免，双方满意"}).status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED


def test_the_party_reads_their_own_in_their_words_without_the_sessions(client, personas, advisor_a):
    case = take_in(client, personas)
    client.force_login(advisor_a)
    url = f"/legal/disputes/{case.number}/"
    client.post(f"{url}take/")
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    client.post(f"{url}session/", {"held_at": now, "minutes": "30", "note": "保密的调解记录"})
    client.force_login(personas.resident_a)
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "调解中" in body
    assert "保密的调解记录" not in body and "13800000007" not in body
    assert 'type="submit" data-action' not in body  # nothing to do
    assert case.number in client.get("/legal/disputes/").content.decode()


def test_out_of_scope_is_404_and_changes_nothing(client, personas, advisor_a, advisor_b):
    case = take_in(client, personas)
    url = f"/legal/disputes/{case.number}/"
    for user in (advisor_b, personas.resident_b, personas.grid_worker_a, personas.street_chief_a):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(f"{url}agreement.pdf").status_code == 404
        for step in ("take", "session", "conclude", "follow-up", "escalate", "withdraw"):
            assert client.post(f"{url}{step}/", {"reason": "x", "note": "x"}).status_code == 404
    client.force_login(advisor_a)
    assert client.post(f"{url}no-such-step/").status_code == 404
    assert client.get("/legal/disputes/TJ000/").status_code == 404
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_escalating_on_the_page_shows_it_to_the_street(client, personas, advisor_a):
    case = take_in(client, personas)
    url = f"/legal/disputes/{case.number}/"
    refused = client.post(f"{url}escalate/", {"reason": ""})
    assert refused.status_code == 400 and "请说明纠纷重大复杂的原因" in refused.content.decode()
    assert client.post(f"{url}escalate/", {"reason": "涉及二十户"}).status_code == 302
    client.force_login(personas.street_chief_a)
    assert client.get(url).status_code == 200
    listing = client.get("/legal/disputes/").content.decode()
    assert case.number in listing and "上报街道的重大纠纷" in listing
