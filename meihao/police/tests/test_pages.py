"""The community police pages: a resident's officer and tip form, the tip page on both sides,
the group and its invitation, the command view. Bad input is a 400 in words that writes
nothing; out of scope is a 404; every text is escaped."""

from meihao.cases.models import Case, Status
from meihao.cases.tests.reporter_helpers import upload
from meihao.people.models import TeamMember
from meihao.police import groups
from meihao.police.models import Tip

SCRIPT = "<script>alert(1)</script>"


def test_a_resident_finds_their_officer_and_sends_a_tip_with_a_photo(
    client, personas, block, officer
):
    client.force_login(personas.resident_a)
    home = client.get("/police/").content.decode()
    assert "片警甲" in home and "0774-1234567" in home and "城东派出所" in home
    response = client.post(
        "/police/send/",
        {
            "kind": "0202",
            "description": "楼道里有人给电动车充电" + SCRIPT,
            "photos": [upload()],
            "idempotency_key": "tip-page-0001",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(case_type__code="TIP")
    assert case.photos.count() == 1 and case.assigned_user == officer
    page = client.get(response["Location"]).content.decode()
    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert "片警甲" not in page  # the reporter reads offices, never the officer's name


def test_bad_tips_answer_400_in_chinese(client, personas, block):
    client.force_login(personas.resident_a)
    for form, words in (
        ({"kind": "", "description": "有人撬锁"}, "请选择线索类别"),
        ({"kind": "0101", "description": ""}, "请说明您看到的情况和地点"),
        ({"kind": "0101", "description": "x", "lat": "abc", "lon": "1"}, "地图上标记的位置无效"),
    ):
        response = client.post("/police/send/", form)
        assert response.status_code == 400 and words in response.content.decode(), form
    assert not Case.objects.exists()


def test_the_officer_closes_it_and_the_reporter_sees_no_police_detail(
    client, personas, block, officer
):
    client.force_login(personas.resident_a)
    client.post("/police/send/", {"kind": "0101", "description": "可疑人员"})
    case = Case.objects.get(case_type__code="TIP")
    client.force_login(officer)
    page = client.get(f"/police/tips/{case.number}/").content.decode()
    assert "居民甲" in page and "13800000007" in page  # the handler knows who sent it
    refused = client.post(f"/police/tips/{case.number}/close/", {"outcome": "acted", "note": ""})
    assert refused.status_code == 400 and "请填写处置情况" in refused.content.decode()
    done = client.post(
        f"/police/tips/{case.number}/close/", {"outcome": "acted", "note": "抓获嫌疑人李某"}
    )
    assert done.status_code == 302 and Case.objects.get(pk=case.pk).status == Status.CLOSED
    client.force_login(personas.resident_a)
    page = client.get(f"/police/tips/{case.number}/").content.decode()
    assert "已处理" in page and "李某" not in page and "抓获" not in page


def test_out_of_scope_is_404_and_changes_nothing(client, personas, block, colleague):
    client.force_login(personas.resident_a)
    client.post("/police/send/", {"kind": "0101", "description": "可疑人员"})
    case = Case.objects.get(case_type__code="TIP")
    for user in (colleague, personas.community_staff_a, personas.resident_b, personas.outsider):
        client.force_login(user)
        assert client.get(f"/police/tips/{case.number}/").status_code == 404
        for step in ("start", "close", "withdraw"):
            response = client.post(
                f"/police/tips/{case.number}/{step}/", {"outcome": "acted", "note": "x"}
            )
            assert response.status_code == 404
        assert client.get(f"/cases/{case.number}/").status_code in (404, 302)
    assert Case.objects.get(pk=case.pk).status == Status.DISPATCHED


def test_joining_by_the_qr_invitation(client, personas, block, officer):
    group = groups.group_create(actor=officer, block_id=block.pk, name="骑楼警民群" + SCRIPT)
    client.force_login(officer)
    page = client.get(f"/police/groups/{group.pk}/").content.decode()
    assert "<svg" in page and f"/police/join/{group.invite_token}/" in page
    assert SCRIPT not in page
    client.force_login(personas.resident_a)
    assert client.get(f"/police/groups/{group.pk}/").status_code == 404  # not yet a member
    invitation = client.get(f"/police/join/{group.invite_token}/")
    assert invitation.status_code == 200 and not TeamMember.objects.exists()  # a scan alone
    assert client.post(f"/police/join/{group.invite_token}/").status_code == 302
    assert TeamMember.objects.filter(team=group.team).count() == 1
    page = client.get(f"/police/groups/{group.pk}/").content.decode()
    assert 'id="members"' not in page and "<svg" not in page  # no member list, no invitation
    response = client.post(
        f"/police/groups/{group.pk}/tip/", {"kind": "0201", "description": "消防通道被堵"}
    )
    assert response.status_code == 302 and Tip.objects.get().group == group
    assert client.post(f"/police/groups/{group.pk}/notice/", {"body": "x"}).status_code == 403
    assert client.post(f"/police/groups/{group.pk}/leave/").status_code == 302
    assert not TeamMember.objects.exists()
    assert client.get("/police/join/not-a-token/").status_code == 404


def test_the_command_view_is_for_the_police(client, personas, block, colleague):
    client.force_login(personas.resident_a)
    client.post("/police/send/", {"kind": "0101", "description": "可疑人员" + SCRIPT})
    assert client.get("/police/command/").status_code == 404
    client.force_login(personas.community_staff_a)
    assert client.get("/police/command/").status_code == 404
    client.force_login(colleague)
    page = client.get("/police/command/").content.decode()
    case = Case.objects.get(case_type__code="TIP")
    assert case.number in page and "居民甲" not in page and SCRIPT not in page


def test_the_command_view_lists_the_streets_police_teams(client, personas, block, colleague):
    from meihao.people.models import Team, TeamMember

    team = Team.objects.create(
        name="城东街道巡防队",
        kind=Team.Kind.POLICE_TEAM,
        place=personas.tree.street_a,
        place_path=personas.tree.street_a.path,
    )
    TeamMember.objects.create(team=team, person=colleague.person)
    Team.objects.create(
        name="城南街道巡防队",
        kind=Team.Kind.POLICE_TEAM,
        place=personas.tree.street_b,
        place_path=personas.tree.street_b.path,
    )
    client.force_login(colleague)
    page = client.get("/police/command/").content.decode()
    assert "城东街道巡防队" in page and "城南街道巡防队" not in page


def test_a_resident_without_an_officer_is_told_why_in_words(client, personas, block):
    client.force_login(personas.resident_b)  # community B has no block
    response = client.post("/police/send/", {"kind": "0101", "description": "可疑人员"})
    body = response.content.decode()
    assert response.status_code == 400 and "暂无社区民警入驻平台" in body
    assert body.count('role="alert"') == 1


def test_a_refused_group_is_shown_in_its_form(client, personas, block, officer):
    client.force_login(officer)
    response = client.post(
        "/police/groups/new/",
        {"block": block.pk, "name": "警民群", "wecom_webhook_url": "javascript:alert(1)"},
    )
    body = response.content.decode()
    assert response.status_code == 400 and body.count("请粘贴企业微信群机器人") == 1
    assert 'id="group-error"' in body
