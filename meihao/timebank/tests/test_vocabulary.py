"""A help request in its own words (timebank.vocabulary): the elder and the helper read
待接单 / 已接单 / 服务中 / 待确认 and offices on the timeline, never 立案, 派遣 or a staff name."""

from django.urls import reverse

from meihao.cases import services as case_services
from meihao.cases.tests.test_vocabulary import _citizen_text, assert_no_engine_words
from meihao.notify.models import Message
from meihao.timebank import services
from meihao.timebank.tests.conftest import HOME


def _status(client, user, case) -> str:
    client.force_login(user)
    html = client.get(reverse("timebank:request", args=[case.number])).content.decode()
    assert_no_engine_words(_citizen_text(html))
    mine = client.get(reverse("timebank:mine")).content.decode()
    assert_no_engine_words(_citizen_text(mine))
    return html.split('id="case-status">', 1)[1].split("<", 1)[0]


def test_the_elder_and_the_helper_read_each_state_in_the_time_banks_words(client, personas, asked):
    services.member_join(actor=personas.volunteer_a)
    # Asked by the community on the elder's behalf.
    case = asked(actor=personas.community_staff_a)
    elder, helper = personas.resident_a, personas.volunteer_a
    assert _status(client, elder, case) == _status(client, helper, case) == "待接单"
    case_services.case_claim(case=case, actor=helper)
    assert _status(client, elder, case) == _status(client, helper, case) == "已接单"
    case_services.case_start(case=case, actor=helper, lat=HOME[0], lon=HOME[1])
    assert _status(client, elder, case) == "服务中"
    case_services.case_report_back(
        case=case, actor=helper, note="陪聊了一个小时", lat=HOME[0], lon=HOME[1]
    )
    assert _status(client, elder, case) == _status(client, helper, case) == "待确认"

    client.force_login(elder)
    page = client.get(reverse("timebank:request", args=[case.number])).content.decode()
    text = _citizen_text(page)
    # Filed by the community: its office, not its staff member's name.
    assert "骑楼社区居委会" in text and "社区干部甲" not in text
    assert "发布了求助" in text and "接单" in text and "到达签到" in text

    told = Message.objects.filter(recipient=elder).order_by("pk")
    assert [m.kind for m in told] == ["case_claimed", "case_awaiting_confirmation"]
    assert told[1].subject.startswith("请确认服务")
    for message in told:
        assert_no_engine_words(message.subject + message.body)


def test_the_community_staff_keep_the_engine_words(client, personas, asked):
    case = asked(actor=personas.community_staff_a)
    client.force_login(personas.community_staff_a)
    page = client.get(reverse("timebank:request", args=[case.number])).content.decode()
    assert 'id="case-status">已上报<' in page and "社区干部甲" in page
