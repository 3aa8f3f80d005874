"""Online applications on the case engine: each of the article's four items goes to the body
legally competent for it, stage by stage; a supplement request stops the clocks, once; the
decision approves or refuses in writing; nobody outside the route reads an application."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meihao.cases.models import Case, CaseEvent, Status
from meihao.cases.sla import sla_sweep
from meihao.catalogue.models import ItemUse
from meihao.catalogue.tests.test_catalogue import save
from meihao.core.errors import (
    IllegalTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.egov import services
from meihao.egov.models import Application, Attachment, Decision
from meihao.insights import figures, rollups
from meihao.insights.models import RollupDirty
from meihao.insights.registry import REGISTRY, Span
from meihao.notify.models import FanOut, Message
from meihao.people.models import Organisation

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday morning in working hours, so working-day deadlines are plain to read.
MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)


def pdf(name="申报表.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
    )


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return time_machine


@pytest.fixture
def civil_affairs(personas):
    return Organisation.objects.create(
        name="万秀区民政局",
        short_name="民政",
        kind=Organisation.Kind.DEPARTMENT,
        place=personas.tree.district,
        place_path=personas.tree.district.path,
    )


def item(personas, route, department=None, **overrides):
    return save(
        personas,
        route=route,
        department_id=(department or personas.department).pk,
        **overrides,
    )


def income_form(it):
    return it.materials.get(held="", name="家庭收入和财产状况申报表")


def file(personas, it, *, actor=None, consent=True, **kwargs):
    return services.application_file(
        actor=actor or personas.resident_a,
        item=it,
        files={income_form(it).pk: [pdf()]},
        consent=consent,
        **kwargs,
    )


def fresh(application):
    application.refresh_from_db()
    return Case.objects.get(pk=application.case_id)


def test_dibao_is_taken_in_and_reviewed_by_the_street_and_decided_by_the_district(
    personas, civil_affairs, clock
):
    it = item(personas, "street:intake,street:review,department:decide", civil_affairs)
    application = file(personas, it)
    assert application.stage_body == "street"
    assert (application.via_street, application.via_community) == (True, False)
    case = fresh(application)
    assert case.status == Status.SUBMITTED
    # The street holds it; the community, the grid worker and the other department do not.
    for outsider in (
        personas.community_staff_a,
        personas.grid_worker_a,
        personas.department_staff,
        personas.resident_b,
    ):
        with pytest.raises(NotFound):
            services.application_take_in(actor=outsider, case=case)
        assert not Case.objects.visible_to(outsider).filter(pk=case.pk).exists()
    # The competent department cannot act before the street is done, though it reads it.
    staff = make_user("13800000071", "民政科员", roles=[(Role.DEPARTMENT_STAFF, civil_affairs)])
    with pytest.raises(PermissionDenied):
        services.application_take_in(actor=staff, case=case)

    services.application_take_in(actor=personas.street_chief_a, case=case)
    case = fresh(application)
    assert case.status == Status.DISPATCHED and case.assigned_user == personas.street_chief_a
    # The promised 20 working days run from the intake.
    assert case.resolve_by == datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
    with pytest.raises(PermissionDenied):
        services.application_decide(actor=staff, case=case, approve=True)

    services.application_pass(actor=personas.street_chief_a, case=case, note="材料齐全")
    application.refresh_from_db()
    assert (application.stage, application.stage_body) == (1, "street")
    services.application_pass(actor=personas.street_chief_a, case=fresh(application))
    case = fresh(application)
    assert application.stage_body == "department"
    assert case.assigned_organisation == civil_affairs
    with pytest.raises(PermissionDenied):
        services.application_decide(actor=personas.street_chief_a, case=case, approve=True)

    services.application_decide(actor=staff, case=case, approve=True)
    case = fresh(application)
    assert case.status == Status.CLOSED
    assert application.decision == Decision.APPROVED and application.decided_at is not None
    # The applicant heard of each step; the grid workers of their home never did.
    subjects = Message.objects.filter(recipient=personas.resident_a).values_list("kind", flat=True)
    assert "application_progress" in subjects
    assert not Message.objects.filter(recipient=personas.grid_worker_a).exists()


def test_residence_proof_is_taken_in_by_the_community_and_decided_by_the_police(personas, clock):
    it = item(personas, "community:intake,department:decide")
    application = file(personas, it)
    case = fresh(application)
    with pytest.raises(NotFound):
        services.application_take_in(actor=personas.street_chief_a, case=case)
    services.application_take_in(actor=personas.community_staff_a, case=case)
    services.application_pass(actor=personas.community_staff_a, case=fresh(application))
    case = fresh(application)
    assert case.assigned_organisation == personas.department
    services.application_decide(actor=personas.department_staff, case=case, approve=True)
    assert fresh(application).status == Status.CLOSED


def test_deciding_marks_the_day_of_the_on_time_rate_for_its_rollup_rows(personas, clock):
    """The on-time rate is summed from rollup rows; the decision's time is written with a
    queryset UPDATE (no save), so the service marks the day itself: read live until the worker
    recomputes it, then from the rows, the application counted."""
    indicator = REGISTRY["application_on_time_rate"]
    it = item(personas, "community:intake,department:decide")
    application = file(personas, it)
    services.application_take_in(actor=personas.community_staff_a, case=fresh(application))
    services.application_pass(actor=personas.community_staff_a, case=fresh(application))
    rollups.rebuild(indicator)
    today = timezone.localdate()
    span = Span.of(personas.tree.district.path, today.replace(day=1), today)
    assert figures.measure(indicator, span).denominator == 0
    services.application_decide(
        actor=personas.department_staff, case=fresh(application), approve=True
    )
    assert RollupDirty.objects.filter(indicator=indicator.code, day=today).exists()
    rollups.refresh()
    assert rollups.readable(indicator, span)
    assert rollups.stored(indicator, span) == indicator.measure(span)
    assert rollups.stored(indicator, span).denominator == 1


def test_employment_is_checked_by_the_community_reviewed_by_the_street_decided_by_the_bureau(
    personas, clock
):
    it = item(personas, "community:check,street:review,department:decide")
    application = file(personas, it)
    case = fresh(application)
    with pytest.raises(PermissionDenied):
        services.application_take_in(actor=personas.street_chief_a, case=case)
    services.application_take_in(actor=personas.community_staff_a, case=case)
    services.application_pass(actor=personas.community_staff_a, case=fresh(application))
    application.refresh_from_db()
    assert application.stage_body == "street"
    with pytest.raises(PermissionDenied):
        services.application_pass(actor=personas.community_staff_a, case=fresh(application))
    services.application_pass(actor=personas.street_chief_a, case=fresh(application))
    services.application_decide(
        actor=personas.department_staff, case=fresh(application), approve=True
    )
    assert fresh(application).status == Status.CLOSED
    # The community that checked it keeps reading it.
    assert Case.objects.visible_to(personas.community_staff_a).filter(pk=case.pk).exists()


def test_marriage_and_childbirth_goes_straight_to_the_health_side(personas, clock):
    it = item(personas, "department:decide", certificate="childbirth", level="district")
    application = file(personas, it)
    case = fresh(application)
    for official in (personas.community_staff_a, personas.street_chief_a):
        with pytest.raises(NotFound):
            services.application_take_in(actor=official, case=case)
    services.application_take_in(actor=personas.department_staff, case=case)
    assert fresh(application).assigned_organisation == personas.department
    services.application_decide(
        actor=personas.department_staff,
        case=fresh(application),
        approve=False,
        reasons="申请人提交的婚姻状况与登记信息不一致。",
    )
    application.refresh_from_db()
    assert application.decision == Decision.REFUSED
    assert "不一致" in application.reasons


def test_a_refusal_needs_its_reasons_in_writing(personas, clock):
    it = item(personas, "department:decide", certificate="childbirth", level="district")
    application = file(personas, it)
    services.application_take_in(actor=personas.department_staff, case=fresh(application))
    with pytest.raises(ValidationFailed) as refused:
        services.application_decide(
            actor=personas.department_staff, case=fresh(application), approve=False, reasons=" "
        )
    assert refused.value.field == "reasons"
    assert fresh(application).status == Status.DISPATCHED


def test_a_supplement_request_stops_the_clock_once_and_the_applicant_resumes_it(
    personas, civil_affairs, clock
):
    it = item(personas, "street:intake,street:review,department:decide", civil_affairs)
    application = file(personas, it)
    case = fresh(application)
    respond_by = case.respond_by
    services.application_ask_supplement(
        actor=personas.street_chief_a, case=case, missing="家庭收入申报表未签字\n户口簿"
    )
    case = fresh(application)
    assert case.status == Status.PARKED
    assert application.supplement_asked.startswith("家庭收入申报表")
    # Someone else cannot hand it in; the applicant can, three days later.
    with pytest.raises(NotFound):
        services.application_supplement(
            actor=personas.resident_b, case=case, files={income_form(it).pk: [pdf()]}
        )
    clock.move_to(MONDAY + timedelta(days=3), tick=False)
    with pytest.raises(ValidationFailed):
        services.application_supplement(actor=personas.resident_a, case=case, files={})
    services.application_supplement(
        actor=personas.resident_a, case=case, files={income_form(it).pk: [pdf("签字版.pdf")]}
    )
    case = fresh(application)
    assert case.status == Status.ACCEPTED
    assert case.respond_by == respond_by + timedelta(days=3)
    assert application.attachments.filter(supplement=True).count() == 1
    # Asked once, all at once.
    with pytest.raises(IllegalTransition):
        services.application_ask_supplement(
            actor=personas.street_chief_a, case=case, missing="再补一份"
        )
    services.application_take_in(actor=personas.street_chief_a, case=case)
    assert fresh(application).status == Status.DISPATCHED


def test_refusing_to_take_in_tells_the_applicant_why(personas, clock):
    it = item(personas, "community:intake,department:decide")
    application = file(personas, it)
    with pytest.raises(ValidationFailed):
        services.application_refuse_intake(
            actor=personas.community_staff_a, case=fresh(application), reason=""
        )
    services.application_refuse_intake(
        actor=personas.community_staff_a, case=fresh(application), reason="户籍不在本社区"
    )
    assert fresh(application).status == Status.REJECTED
    told = Message.objects.filter(recipient=personas.resident_a, kind="application_progress")
    assert any("户籍不在本社区" in m.body for m in told)


def test_materials_held_by_the_platform_are_waived_only_with_consent(personas, clock):
    it = item(personas, "community:intake,department:decide")
    with pytest.raises(ValidationFailed) as refused:
        file(personas, it, consent=False)
    assert refused.value.code == "material_missing"
    assert not Application.objects.exists() and not Case.objects.exists()
    application = file(personas, it, consent=True)
    assert application.consent_at is not None
    assert application.guide == it.versions.get()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("x.pdf", b"<script>alert(1)</script>", "application/pdf"),
        SimpleUploadedFile("x.exe", b"MZ\x90\x00", "application/octet-stream"),
        SimpleUploadedFile("half.pdf", b"%PDF-1.4\n1 0 obj", "application/pdf"),
    ],
)
def test_a_file_that_is_no_photo_or_pdf_is_refused_and_nothing_is_filed(personas, upload, clock):
    it = item(personas, "community:intake,department:decide")
    with pytest.raises(ValidationFailed) as refused:
        services.application_file(
            actor=personas.resident_a, item=it, files={income_form(it).pk: [upload]}, consent=True
        )
    assert refused.value.code == "invalid_document"
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_a_refused_file_marks_its_own_field_and_only_on_that_page(
    client, personas, clock, settings
):
    # The item and its materials are held per process and shared by every request: the mark
    # of one resident's refused file must not reach the next page drawn from them.
    settings.SNAPSHOT_RECHECK_SECONDS = 10
    it = item(personas, "community:intake,department:decide")
    apply = f"/applications/apply/{it.code}/"
    income = income_form(it)
    client.force_login(personas.resident_a)
    refused = client.post(
        apply,
        {
            "consent": "on",
            f"material-{income.pk}": SimpleUploadedFile("x.exe", b"MZ\x90\x00", "text/plain"),
        },
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert body.count("is-invalid") == 1
    assert f'is-invalid" type="file" name="material-{income.pk}"' in body
    assert "is-invalid" not in client.get(apply).content.decode()
    assert not Application.objects.exists()


def test_an_oversize_file_is_refused(personas, clock):
    it = item(personas, "community:intake,department:decide")
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (8 * 1024 * 1024) + b"%%EOF")
    with pytest.raises(ValidationFailed) as refused:
        services.application_file(
            actor=personas.resident_a, item=it, files={income_form(it).pk: [big]}, consent=True
        )
    assert refused.value.code == "document_too_large"


def test_an_item_not_offered_online_is_refused_online_but_filed_at_the_counter(personas, clock):
    it = item(personas, "community:intake,department:decide", online=False, visits=1)
    with pytest.raises(ValidationFailed):
        file(personas, it)
    resident = personas.resident_a.person
    application = file(personas, it, actor=personas.community_staff_a, applicant=resident)
    assert application.at_counter and application.applicant == resident
    assert application.filed_by == personas.community_staff_a
    # Counter staff of another community may not file for this resident.
    with pytest.raises(NotFound):
        file(personas, it, actor=personas.grid_worker_b, applicant=resident)


def test_an_applicant_needs_real_name_details_and_a_home_community(personas, clock):
    it = item(personas, "community:intake,department:decide")
    with pytest.raises(ValidationFailed) as refused:
        file(personas, it, actor=personas.outsider)
    assert refused.value.code == "no_home_community"
    personas.outsider.person.delete()
    personas.outsider.refresh_from_db()
    with pytest.raises(ValidationFailed) as refused:
        file(personas, it, actor=personas.outsider)
    assert refused.value.code == "no_person"


def test_the_timeline_reads_in_the_applicants_words(personas, clock):
    from meihao.cases.extensions import vocabulary_of

    it = item(personas, "community:intake,department:decide")
    application = file(personas, it)
    services.application_take_in(actor=personas.community_staff_a, case=fresh(application))
    words = vocabulary_of(fresh(application).case_type)
    assert words.status_label(Status.DISPATCHED) == "办理中"
    assert CaseEvent.objects.filter(case=application.case, action="dispatch").exists()


# --- The application's page ---------------------------------------------------------------


def test_the_page_shows_each_reader_the_step_they_may_take_and_no_one_else_sees_it(
    client, personas, clock
):
    it = item(personas, "community:intake,department:decide", name="居住证明<script>x</script>")
    application = file(personas, it)
    url = f"/applications/{application.case.number}/"
    attachment = application.attachments.get()
    for outsider in (personas.grid_worker_a, personas.street_chief_a, personas.resident_b):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.get(f"{url}files/{attachment.pk}/").status_code == 404
        assert client.post(f"{url}take-in/").status_code == 404
    assert Case.objects.get(pk=application.case_id).status == Status.SUBMITTED

    client.force_login(personas.resident_a)
    page = client.get(url).content.decode()
    assert "待受理" in page and 'data-action="take-in"' not in page
    assert "居住证明&lt;script&gt;" in page and "<script>x" not in page
    served = client.get(f"{url}files/{attachment.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"

    client.force_login(personas.community_staff_a)
    assert 'data-action="take-in"' in client.get(url).content.decode()
    response = client.post(f"{url}ask-supplement/", {"missing": "", "next": url})
    assert response.status_code == 302
    assert Case.objects.get(pk=application.case_id).status == Status.SUBMITTED
    client.post(f"{url}ask-supplement/", {"missing": "户口簿首页", "next": url})
    assert Case.objects.get(pk=application.case_id).status == Status.PARKED

    client.force_login(personas.resident_a)
    page = client.get(url).content.decode()
    assert "户口簿首页" in page and 'data-action="supplement"' in page
    response = client.post(
        f"{url}supplement/", {f"material-{income_form(it).pk}": pdf("户口簿.pdf"), "next": url}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=application.case_id).status == Status.ACCEPTED
    assert client.post(f"{url}no-such-step/").status_code == 404


def test_a_resident_applies_from_the_guide_and_follows_it_in_my_applications(
    client, personas, clock
):
    it = item(personas, "street:intake,street:review,department:decide")
    client.force_login(personas.resident_a)
    guide = client.get(f"/services/{it.code}/").content.decode()
    assert f'href="/applications/apply/{it.code}/"' in guide
    form = client.get(f"/applications/apply/{it.code}/").content.decode()
    assert f'name="material-{income_form(it).pk}"' in form and 'name="consent"' in form
    # Nothing attached for a material that cannot be waived: refused on the page, nothing filed.
    response = client.post(f"/applications/apply/{it.code}/", {"consent": "on"})
    assert response.status_code == 400
    assert "请上传“家庭收入和财产状况申报表”" in response.content.decode()
    assert not Application.objects.exists()
    response = client.post(
        f"/applications/apply/{it.code}/",
        {"consent": "on", "note": "家中两口人", f"material-{income_form(it).pk}": pdf()},
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.case.number}/"
    assert application.consent_at is not None
    mine = client.get("/applications/").content.decode()
    assert application.case.number in mine and "待受理" in mine
    assert personas.resident_b.pk != personas.resident_a.pk
    client.force_login(personas.resident_b)
    assert application.case.number not in client.get("/applications/").content.decode()


def test_an_item_not_online_has_no_apply_page(client, personas, clock):
    it = item(personas, "community:intake,department:decide", online=False, visits=1)
    client.force_login(personas.resident_a)
    assert client.get(f"/applications/apply/{it.code}/").status_code == 404
    assert "/applications/apply/" not in client.get(f"/services/{it.code}/").content.decode()
    assert client.get("/applications/apply/NO-SUCH/").status_code == 404


def test_the_work_list_shows_each_office_what_waits_for_it_with_names_masked(
    client, personas, clock
):
    from meihao.core.models import AuditEvent

    it = item(personas, "community:check,street:review,department:decide")
    application = file(personas, it)
    number = application.case.number
    client.force_login(personas.community_staff_a)
    page = client.get("/applications/work/").content.decode()
    assert number in page and "居*" in page and "居民甲" not in page
    client.force_login(personas.street_chief_a)
    assert number not in client.get("/applications/work/").content.decode()
    assert number in client.get("/applications/work/?view=all").content.decode()
    client.force_login(personas.grid_worker_a)
    assert client.get("/applications/work/").status_code == 404
    # Opening the application shows the name in full, and that read is audited.
    client.force_login(personas.community_staff_a)
    assert "居民甲" in client.get(f"/applications/{number}/").content.decode()
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.PII_READ, actor=personas.community_staff_a
    ).exists()
    client.force_login(personas.community_staff_a)
    assert client.get("/applications/work/?view=<script>&page=x").status_code == 200


DIBAO_ROUTE = "street:intake,street:review,street:publicise,department:decide"


def test_dibao_runs_a_seven_day_public_notice_showing_only_what_the_rules_allow(
    client, personas, clock
):
    it = item(personas, DIBAO_ROUTE)
    application = file(personas, it)
    chief = personas.street_chief_a
    services.application_take_in(actor=chief, case=fresh(application))
    services.application_pass(actor=chief, case=fresh(application))
    assert client.get("/applications/publicity/").status_code == 200
    assert "居*" not in client.get("/applications/publicity/").content.decode()
    services.application_pass(actor=chief, case=fresh(application), note="入户调查属实")
    application.refresh_from_db()
    assert application.duty == "publicise"
    assert application.publicity_until == MONDAY + timedelta(days=7)
    page = client.get("/applications/publicity/").content.decode()  # public, no log-in
    assert "居*" in page and "居民甲" not in page and it.name in page
    assert application.case.number not in page
    # The notice must run its course, and its outcome is recorded.
    with pytest.raises(IllegalTransition):
        services.application_pass(actor=chief, case=fresh(application), note="无异议")
    clock.move_to(MONDAY + timedelta(days=7, minutes=1), tick=False)
    with pytest.raises(ValidationFailed):
        services.application_pass(actor=chief, case=fresh(application), note="")
    services.application_pass(actor=chief, case=fresh(application), note="公示期满无异议")
    application.refresh_from_db()
    assert application.stage_body == "department"
    assert "居*" not in client.get("/applications/publicity/").content.decode()


def test_a_material_the_guide_marks_if_any_may_be_left_out(personas, clock):
    from meihao.catalogue.guides import MaterialSpec

    it = item(
        personas,
        "community:intake,department:decide",
        materials=(
            MaterialSpec(name="居民身份证", form="原件1份", held="id_card"),
            MaterialSpec(name="家庭收入和财产状况申报表", form="原件1份"),
            MaterialSpec(name="残疾人证（如有）", form="复印件1份"),
        ),
    )
    application = file(personas, it)
    assert application.attachments.count() == 1


def test_indicators_count_filed_supplemented_and_on_time_applications(personas, clock):
    from meihao.insights.registry import REGISTRY, Span

    it = item(personas, "department:decide", certificate="childbirth", level="district")
    on_time = file(personas, it)
    services.application_take_in(actor=personas.department_staff, case=fresh(on_time))
    services.application_decide(actor=personas.department_staff, case=fresh(on_time), approve=True)
    asked = file(personas, it)
    services.application_ask_supplement(
        actor=personas.department_staff, case=fresh(asked), missing="结婚证"
    )
    late = file(personas, it)
    services.application_take_in(actor=personas.department_staff, case=fresh(late))
    clock.move_to(MONDAY + timedelta(days=30), tick=False)
    services.application_decide(actor=personas.department_staff, case=fresh(late), approve=True)
    span = Span.of(
        personas.tree.community_a.path, MONDAY.date(), (MONDAY + timedelta(days=30)).date()
    )
    assert REGISTRY["applications_filed"].measure(span).value == 3
    supplement = REGISTRY["application_supplement_rate"].measure(span)
    assert (supplement.numerator, supplement.denominator) == (1, 3)
    on_time_rate = REGISTRY["application_on_time_rate"].measure(span)
    assert (on_time_rate.numerator, on_time_rate.denominator) == (1, 2)
    records = list(REGISTRY["applications_filed"].records(span))
    assert (
        REGISTRY["applications_filed"].link(records[0])
        == f"/applications/{records[0].case.number}/"
    )
    # Another community's span counts none of them.
    other = Span.of(personas.tree.community_b.path, MONDAY.date(), MONDAY.date())
    assert REGISTRY["applications_filed"].measure(other).value == 0
    # Guide accuracy: one request asked for something the guide does not list.
    beyond = file(personas, it)
    services.application_ask_supplement(
        actor=personas.department_staff, case=fresh(beyond), missing="单位证明", beyond_guide=True
    )
    accuracy = REGISTRY["guide_accuracy"].measure(span)
    assert (accuracy.numerator, accuracy.denominator) == (1, 2)


def test_an_application_handed_in_after_a_supplement_may_still_be_refused_intake(personas, clock):
    it = item(personas, "community:intake,department:decide")
    application = file(personas, it)
    staff = personas.community_staff_a
    services.application_ask_supplement(actor=staff, case=fresh(application), missing="户口簿")
    services.application_supplement(
        actor=personas.resident_a, case=fresh(application), files={income_form(it).pk: [pdf()]}
    )
    assert fresh(application).status == Status.ACCEPTED
    # An outsider learns nothing, whatever the input; the holder must give a reason.
    with pytest.raises(NotFound):
        services.application_refuse_intake(
            actor=personas.street_chief_a, case=fresh(application), reason=""
        )
    with pytest.raises(ValidationFailed):
        services.application_refuse_intake(actor=staff, case=fresh(application), reason=" ")
    services.application_refuse_intake(actor=staff, case=fresh(application), reason="不属于本事项")
    assert fresh(application).status == Status.REJECTED


def test_the_supplement_form_says_when_the_guide_did_not_list_the_material(client, personas, clock):
    it = item(personas, "community:intake,department:decide")
    application = file(personas, it)
    client.force_login(personas.community_staff_a)
    url = reverse("egov:act", args=[application.case.number, "ask-supplement"])
    assert client.post(url, {"missing": "租赁合同", "beyond_guide": "on"}).status_code == 302
    application.refresh_from_db()
    assert application.supplement_beyond_guide and application.supplement_asked == "租赁合同"


FORM = {
    "type": "object",
    "properties": {
        "household": {"type": "integer", "title": "家庭人口数", "minimum": 1, "maximum": 20},
        "income": {"type": "number", "title": "家庭月收入（元）", "minimum": 0},
        "tenure": {"type": "string", "title": "居住性质", "enum": ["自有住房", "租住"]},
        "disabled": {"type": "boolean", "title": "家中有残疾人"},
        "reason": {"type": "string", "title": "申请原因", "maxLength": 20},
    },
    "required": ["household", "income", "tenure"],
}


def test_an_items_own_form_fields_are_asked_checked_and_kept_with_the_application(
    client, personas, clock
):
    it = item(personas, "street:intake,street:review,department:decide", form_schema=FORM)
    apply = f"/applications/apply/{it.code}/"
    client.force_login(personas.resident_a)
    page = client.get(apply).content.decode()
    for name in ("household", "income", "tenure", "disabled", "reason"):
        assert f'name="answer-{name}"' in page
    assert 'type="number" inputmode="numeric" step="1" min="1" max="20"' in page

    def base():
        return {"consent": "on", f"material-{income_form(it).pk}": pdf()}

    good = {"answer-household": "3", "answer-income": "850.5", "answer-tenure": "租住"}
    # Each bad answer is refused in words naming the field, highlighted, and nothing is filed.
    for bad, words in (
        ({"answer-household": ""}, "请填写家庭人口数"),
        ({"answer-household": "三"}, "家庭人口数必须是整数"),
        ({"answer-household": "0"}, "家庭人口数不能小于 1"),
        ({"answer-income": "1e9"}, "家庭月收入（元）必须是数字"),
        ({"answer-tenure": "借住"}, "居住性质必须是以下之一"),
        ({"answer-reason": "长" * 21}, "最多 20 个字"),
    ):
        response = client.post(apply, {**base(), **good, **bad})
        body = response.content.decode()
        assert response.status_code == 400, bad
        assert words in body, (bad, words)
        assert "is-invalid" in body
    assert not Application.objects.exists()

    done = client.post(
        apply, {**base(), **good, "answer-disabled": "on", "answer-reason": "<b>因病</b>"}
    )
    assert done.status_code == 302
    application = Application.objects.get()
    assert application.answers == {
        "household": 3,
        "income": 850.5,
        "tenure": "租住",
        "disabled": True,
        "reason": "<b>因病</b>",
    }
    detail = client.get(done["Location"]).content.decode()
    assert (
        "家庭人口数" in detail and "家中有残疾人" in detail and "&lt;b&gt;因病&lt;/b&gt;" in detail
    )
    # The guide's version keeps the form it was made under.
    assert application.guide.guide["form_schema"] == FORM


def test_the_catalogue_editor_refuses_a_form_it_cannot_render(personas, clock):
    from meihao.core.errors import ValidationFailed as Refused

    with pytest.raises(Refused) as refused:
        item(personas, "department:decide", form_schema={"properties": {"x": {"type": "date"}}})
    assert refused.value.field == "form_schema"


def test_the_worker_tells_the_applicant_and_the_stage_holders_and_nobody_of_the_home_grid(
    personas, civil_affairs, clock, django_capture_on_commit_callbacks
):
    it = item(personas, "street:intake,street:review,department:decide", civil_affairs)
    staff = make_user("13800000072", "民政科员", roles=[(Role.DEPARTMENT_STAFF, civil_affairs)])
    with django_capture_on_commit_callbacks(execute=True):
        application = file(personas, it, note="家里困难")
        # Filing writes no message itself: one event, which the worker runs after the commit.
        assert not Message.objects.exists()
    assert FanOut.objects.get().status == FanOut.Status.DONE

    def kinds(user):
        return sorted(Message.objects.filter(recipient=user).values_list("kind", flat=True))

    assert kinds(personas.resident_a) == ["application_progress"]
    assert kinds(personas.street_chief_a) == ["application_waiting"]
    # The engine's "new case in your area" is not sent: the applicant's community, grid worker
    # and the district's dispatchers hold nothing of a 低保 application, not even its note.
    for outsider in (
        personas.community_staff_a,
        personas.grid_worker_a,
        personas.district_admin,
        staff,
    ):
        assert kinds(outsider) == []
    assert not Message.objects.filter(body__contains="家里困难").exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.application_take_in(actor=personas.street_chief_a, case=fresh(application))
        services.application_pass(actor=personas.street_chief_a, case=fresh(application))
        services.application_pass(actor=personas.street_chief_a, case=fresh(application))
    # The department is told once its stage is reached, with a link to the application.
    waiting = Message.objects.get(recipient=staff, kind="application_waiting")
    assert waiting.link == f"/applications/{application.case.number}/"
    assert "最低生活保障" in waiting.body or it.name in waiting.body


def test_an_application_counts_for_the_applicants_community_even_filed_at_the_counter(
    personas, clock, django_capture_on_commit_callbacks
):
    it = item(personas, "street:intake,street:review,department:decide")
    with django_capture_on_commit_callbacks(execute=True):
        file(personas, it)
        file(personas, it, actor=personas.street_chief_a, applicant=personas.resident_a.person)
    use = ItemUse.objects.get(item=it)
    assert use.count == 2
    assert use.community == personas.resident_a.person.home_place.parent


def test_the_applicant_withdraws_before_the_decision_and_the_office_is_told(
    client, personas, clock, django_capture_on_commit_callbacks
):
    it = item(personas, "street:intake,street:review,department:decide")
    application = file(personas, it)
    number = application.case.number
    page = f"/applications/{number}/"
    # Only the applicant is offered it, and only the applicant may take it.
    client.force_login(personas.street_chief_a)
    assert 'id="withdraw"' not in client.get(page).content.decode()
    assert client.post(f"{page}withdraw/", {"reason": "x"}).status_code == 403
    client.force_login(personas.resident_b)
    assert client.post(f"{page}withdraw/").status_code == 404
    assert fresh(application).status == Status.SUBMITTED

    services.application_take_in(actor=personas.street_chief_a, case=fresh(application))
    client.force_login(personas.resident_a)
    assert 'id="withdraw"' in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{page}withdraw/", {"reason": "已在别处办理"})
    assert response.status_code == 302
    case = fresh(application)
    assert case.status == Status.VOID
    event = case.events.order_by("-id").first()
    assert (event.action, event.note, event.actor) == ("void", "已在别处办理", personas.resident_a)
    shown = client.get(page).content.decode()
    assert "已撤回" in shown and "撤回了申请" in shown and 'id="withdraw"' not in shown
    # The street, which held it, hears that nothing more is to be done.
    told = Message.objects.get(
        recipient=personas.street_chief_a, idempotency_key__contains=":withdrawn:"
    )
    assert told.kind == "application_waiting"
    assert "撤回" in told.subject and number in told.body
    # Withdrawn is final.
    with pytest.raises(IllegalTransition):
        services.application_withdraw(actor=personas.resident_a, case=fresh(application))


def test_a_decided_application_cannot_be_withdrawn(personas, clock):
    it = item(personas, "street:decide")
    application = file(personas, it)
    services.application_take_in(actor=personas.street_chief_a, case=fresh(application))
    services.application_decide(
        actor=personas.street_chief_a, case=fresh(application), approve=True
    )
    with pytest.raises(IllegalTransition):
        services.application_withdraw(actor=personas.resident_a, case=fresh(application))
    assert fresh(application).status == Status.CLOSED


def test_the_work_list_marks_an_application_past_its_promised_day(client, personas, clock):
    it = item(personas, "street:decide", promised_days=3)
    application = file(personas, it)
    services.application_take_in(actor=personas.street_chief_a, case=fresh(application))
    client.force_login(personas.street_chief_a)
    assert "data-overdue" not in client.get("/applications/work/").content.decode()
    clock.move_to(MONDAY + timedelta(days=7))
    sla_sweep()
    row = client.get("/applications/work/").content.decode()
    assert "data-overdue" in row and "已超期" in row
