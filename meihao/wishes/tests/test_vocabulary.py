"""A wish in its own words (wishes.vocabulary): the resident and the party members read 已提交 /
已发布 / 已认领 / 已完成 and offices on the timeline, never 立案 or 派遣 or a staff member's name;
the party committee keeps the engine's words."""

from django.urls import reverse

from meihao.cases.tests.test_vocabulary import _citizen_text, assert_no_engine_words
from meihao.notify.models import Message
from meihao.wishes import services


def _page(client, user, case, name="wishes:detail", args=None):
    client.force_login(user)
    url = reverse(name, args=[case.number] if args is None else args)
    return client.get(url).content.decode()


def test_the_resident_reads_each_state_in_the_wishs_words(client, personas, ordered, photo):
    case = ordered()
    resident, member = personas.resident_a, personas.party_member_a

    def status(user=resident):
        html = _page(client, user, case)
        assert_no_engine_words(_citizen_text(html))
        mine = _citizen_text(_page(client, resident, case, "wishes:mine", []))
        assert_no_engine_words(mine)
        return html.split('id="case-status">', 1)[1].split("<", 1)[0]

    assert status() == "已提交"
    services.wish_publish(case=case, actor=personas.community_staff_a)
    assert status() == status(member) == "已发布"
    services.wish_claim(case=case, actor=member)
    assert status() == status(member) == "已认领"
    services.wish_fulfil(case=case, actor=member, note="收音机已送到", photos=[photo()])
    assert status() == "待确认"
    client.force_login(resident)
    client.post(reverse("wishes:act", args=[case.number, "confirm"]))
    assert status() == status(member) == "已完成"


def test_the_timeline_names_the_community_not_its_staff(client, personas, published):
    case = published()
    services.wish_claim(case=case, actor=personas.party_member_a)
    text = _citizen_text(_page(client, personas.resident_a, case))
    assert "骑楼社区居委会" in text and "社区干部甲" not in text
    assert "发布了心愿" in text and "认领了心愿" in text
    assert '<span class="timeline-who">您</span>' in text
    # The party committee reads the engine's words and its member's name.
    staff = _page(client, personas.community_staff_a, case)
    assert 'id="case-status">已派遣<' in staff and "社区干部甲" in staff


def test_the_review_queue_keeps_the_engine_words(client, personas, published):
    published()
    client.force_login(personas.community_staff_a)
    html = client.get(reverse("wishes:review") + "?state=published").content.decode()
    assert "已立案" in html


def test_a_party_member_given_a_wish_is_told_it_is_theirs(personas, ordered):
    case = ordered()
    services.wish_dispatch(
        case=case, actor=personas.community_staff_a, member=personas.party_member_a
    )
    message = Message.objects.get(recipient=personas.party_member_a, kind="case_dispatched")
    assert message.subject.startswith("您认领的心愿")
    assert "您认领的心愿" in message.body and case.number in message.body
    assert_no_engine_words(message.subject + message.body)


def test_the_resident_is_told_in_the_wishs_words(personas, published, photo):
    case = published()
    member = personas.party_member_a
    services.wish_claim(case=case, actor=member)
    services.wish_fulfil(case=case, actor=member, note="收音机已送到", photos=[photo()])
    told = Message.objects.filter(recipient=personas.resident_a).order_by("pk")
    assert [m.kind for m in told] == ["case_claimed", "case_awaiting_confirmation"]
    assert "认领了您的心愿" in told[0].body
    assert told[1].subject.startswith("请确认您的心愿")
    for message in told:
        assert_no_engine_words(message.subject + message.body)


def test_a_refusal_names_the_state_in_the_wishs_words(personas, published):
    from django.utils import translation

    from meihao.cases.access import guard_message

    case = published()
    member = personas.party_member_a
    services.wish_claim(case=case, actor=member)
    with translation.override("zh-hans"):
        told = str(guard_message(case, "claim", member))
        staff = str(guard_message(case, "claim", personas.community_staff_a))
    assert "已认领" in told
    assert_no_engine_words(told)
    assert "已派遣" in staff
