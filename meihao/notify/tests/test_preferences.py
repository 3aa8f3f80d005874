"""The preferences page: one row per kind a person may receive, saved with a confirmation."""

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from meihao.core.audit import AuditEvent
from meihao.notify.digests import send_due_digests
from meihao.notify.forms import kind_label
from meihao.notify.kinds import KINDS
from meihao.notify.models import ChannelChoice, Message, Preference
from meihao.notify.services import notify_enqueue

PAGE = "/inbox/settings/"


def form_data(response, **changes) -> dict:
    """The form as the page shows it (every row's current choice), with `changes`."""
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(changes)
    return data


def test_url_name_and_login_required(client, db):
    assert reverse("notify:preferences") == PAGE
    for method in ("get", "post"):
        response = getattr(client, method)(PAGE)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_inbox_links_to_the_page(client, personas):
    client.force_login(personas.resident_a)
    assert f'href="{PAGE}"' in client.get("/inbox/").content.decode()


def test_each_person_sees_the_kinds_for_their_roles_with_their_defaults(client, personas):
    client.force_login(personas.street_chief_a)
    response = client.get(PAGE)
    content = response.content.decode()
    assert response.status_code == 200
    assert "通知设置" in content
    assert "辖区新案件（每 15 分钟汇总一条）" in content and "案件超时" in content
    for channel in ("消息中心", "企业微信", "电子邮件", "不接收"):
        assert channel in content
    form = response.context["form"]
    # A street chief is told of overdue cases in WeCom by default, the rest in the inbox.
    assert form["kind_case_overdue"].value() == "wecom"
    assert form["kind_case_new_in_area"].value() == "inbox"
    assert "按您的角色默认：企业微信" in content
    # A resident is not offered the dispatchers' kinds.
    client.force_login(personas.resident_a)
    resident_form = client.get(PAGE).context["form"]
    assert "kind_case_closed" in resident_form.fields
    assert "kind_case_new_in_area" not in resident_form.fields
    assert "kind_case_overdue" not in resident_form.fields


@pytest.mark.parametrize(
    ("minutes", "chinese", "english"),
    [
        (
            30,
            "辖区新案件（每 30 分钟汇总一条）",
            "New cases in my area (one digest every 30 minutes)",
        ),
        (1, "辖区新案件（每 1 分钟汇总一条）", "New cases in my area (one digest every 1 minute)"),
    ],
)
def test_the_digested_kind_says_how_often_its_digest_comes(
    client, personas, minutes, chinese, english
):
    client.force_login(personas.street_chief_a)
    with override_settings(NOTIFY_DIGEST_MINUTES=minutes):
        response = client.get(PAGE)
        assert chinese in response.content.decode()
        with translation.override("en"):
            assert kind_label(KINDS["case_new_in_area"]) == english
    # A kind sent one message per event says nothing of a digest.
    assert response.context["form"]["kind_case_overdue"].label == "案件超时"


def test_saving_stores_what_differs_from_the_defaults_and_confirms(client, personas):
    chief = personas.street_chief_a
    client.force_login(chief)
    data = form_data(
        client.get(PAGE),
        kind_case_new_in_area="off",
        kind_case_returned="email",
        email="chief@example.com",
    )
    response = client.post(PAGE, data, follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["通知设置已保存。"]
    assert set(ChannelChoice.objects.filter(user=chief).values_list("kind", "channel")) == {
        ("case_new_in_area", "off"),
        ("case_returned", "email"),
    }
    assert Preference.objects.get(user=chief).email == "chief@example.com"
    audit = AuditEvent.objects.get(action="notify_preferences")
    assert audit.changes["case_new_in_area"] == ["inbox", "off"]
    # Back to the default: the stored choice goes.
    client.post(PAGE, form_data(response, kind_case_new_in_area="inbox"))
    assert set(ChannelChoice.objects.filter(user=chief).values_list("kind", flat=True)) == {
        "case_returned"
    }


def test_off_silences_the_new_case_digest(client, personas):
    chief = personas.street_chief_a
    client.force_login(chief)
    client.post(PAGE, form_data(client.get(PAGE), kind_case_new_in_area="off"))
    with transaction.atomic():
        notify_enqueue(
            recipients=[chief, personas.community_staff_a],
            kind="case_new_in_area",
            subject="新案件",
            body="x",
            idempotency_key="case:1:submitted",
        )
    assert list(Message.objects.values_list("recipient", flat=True)) == [
        personas.community_staff_a.pk
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind_case_overdue": "pigeon"}, "kind_case_overdue"),
        ({"email": "not-an-address"}, "email"),
        ({"wecom_webhook_url": "javascript:alert(1)"}, "wecom_webhook_url"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(client, personas, changes, field):
    client.force_login(personas.street_chief_a)
    response = client.post(PAGE, form_data(client.get(PAGE), **changes))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not ChannelChoice.objects.exists()
    assert not Preference.objects.exists()


def test_a_kind_the_person_may_not_receive_is_refused(personas):
    from meihao.core.errors import DomainError
    from meihao.notify.services import notify_preferences_save

    with pytest.raises(DomainError):
        notify_preferences_save(
            user=personas.resident_a,
            channels={"case_new_in_area": "off"},
            email="",
            wecom_webhook_url="",
        )
    assert not ChannelChoice.objects.exists()


def test_a_digest_in_the_inbox_lists_its_events_as_links(client, personas, settings):
    import time_machine

    from meihao.notify.tests.test_digests import WINDOW, news

    with time_machine.travel(WINDOW, tick=False):
        news([personas.resident_a], 1)
        news([personas.resident_a], 2)
    with time_machine.travel(WINDOW.replace(minute=15), tick=False):
        send_due_digests()
    client.force_login(personas.resident_a)
    content = client.get("/inbox/").content.decode()
    assert "2 条街坊新闻" in content
    assert content.count('class="btn btn-link btn-sm p-0 text-start text-break"') == 2
    first = Message.objects.get(idempotency_key=f"news:1:u{personas.resident_a.pk}")
    response = client.post(f"/inbox/{first.pk}/open/")
    assert response["Location"] == "/news/1/"
    # Opening one of its events reads the digest.
    assert not Message.objects.filter(digest_key="", read_at__isnull=True).exists()
