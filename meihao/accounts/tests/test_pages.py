"""The account pages: register, log in and reset the password with an SMS code; log out with a
confirmation and a page that says so."""

from django.urls import reverse

from meihao.accounts.models import SelfRegistration
from meihao.accounts.tests.conftest import last_code, texts
from meihao.core.testing import PASSWORD
from meihao.people.models import User

PHONE = "13912345678"
NEW_PASSWORD = "Meihao-resident-2025"  # noqa: S105 - test fixture


def _send(client, url_name, phone=PHONE):
    return client.post(reverse(url_name), {"action": "send", "phone": phone})


def test_the_account_pages_are_open_and_chinese(client, db):
    for name in ("accounts:register", "accounts:login_code", "accounts:password_reset"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "验证码" in response.content.decode()


def test_the_login_page_offers_both_ways_and_the_account_links(client, db):
    content = client.get(reverse("login")).content.decode()
    assert "密码登录" in content and "验证码登录" in content
    assert reverse("accounts:login_code") in content
    assert reverse("accounts:register") in content and "注册" in content
    assert reverse("accounts:password_reset") in content and "忘记密码" in content


def test_a_resident_registers_with_a_code_and_can_report(client, db, sms_file):
    response = _send(client, "accounts:register", phone="139 1234 5678")
    content = response.content.decode()
    assert response.status_code == 200
    assert "验证码已发送至 139****5678" in content
    assert 'value="139 1234 5678"' in content  # the number stays in the form as typed
    response = client.post(
        reverse("accounts:register"),
        {
            "phone": PHONE,
            "code": last_code(sms_file, PHONE),
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    user = User.objects.get(phone=PHONE)
    assert response.context["user"] == user
    assert SelfRegistration.objects.filter(user=user).exists()
    [card] = response.context["cards"]
    assert card.role == "resident"
    assert reverse("cases:report") in [link.url for link in card.links]
    # Their own records open; staff's pages do not.
    for name in ("cases:report", "cases:mine", "people:profile"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("people:list")).status_code in (403, 404)


def test_a_wrong_number_gets_a_chinese_message_and_no_text(client, db, sms_file):
    response = _send(client, "accounts:register", phone="12345678901")
    assert response.status_code == 422
    assert "请输入大陆手机号码" in response.content.decode()
    assert texts(sms_file) == []


def test_a_wrong_code_is_refused_on_its_field(client, db, sms_file):
    _send(client, "accounts:register")
    code = last_code(sms_file, PHONE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = client.post(
        reverse("accounts:register"),
        {"phone": PHONE, "code": wrong, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert "验证码不正确" in response.content.decode()
    assert not User.objects.filter(phone=PHONE).exists()


def test_a_weak_or_mismatched_password_keeps_the_code(client, db, sms_file):
    _send(client, "accounts:register")
    code = last_code(sms_file, PHONE)
    data = {"phone": PHONE, "code": code, "password1": "12345678", "password2": "12345678"}
    assert client.post(reverse("accounts:register"), data).status_code == 422
    data.update(password1=NEW_PASSWORD, password2=NEW_PASSWORD + "x")
    assert client.post(reverse("accounts:register"), data).status_code == 422
    data.update(password2=NEW_PASSWORD)
    assert client.post(reverse("accounts:register"), data).status_code == 302


def test_sending_too_often_answers_429(client, db, sms_file):
    _send(client, "accounts:register")
    response = _send(client, "accounts:register")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "尝试次数过多" in response.content.decode()
    assert len(texts(sms_file)) == 1


def test_log_in_with_a_code(client, personas, sms_file):
    phone = personas.resident_a.phone
    _send(client, "accounts:login_code", phone=phone)
    response = client.post(
        reverse("accounts:login_code"),
        {"phone": phone, "code": last_code(sms_file, phone), "next": reverse("cases:mine")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:mine")
    assert client.session["_auth_user_id"] == str(personas.resident_a.pk)


def test_reset_the_password_with_a_code(client, personas, sms_file):
    phone = personas.resident_a.phone
    _send(client, "accounts:password_reset", phone=phone)
    response = client.post(
        reverse("accounts:password_reset"),
        {
            "phone": phone,
            "code": last_code(sms_file, phone),
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "密码已修改" in response.content.decode()
    refused = client.post(reverse("login"), {"username": phone, "password": PASSWORD})
    assert refused.status_code == 422
    accepted = client.post(reverse("login"), {"username": phone, "password": NEW_PASSWORD})
    assert accepted.status_code == 302


def test_log_out_asks_first_then_says_so(client, personas):
    client.force_login(personas.resident_a)
    response = client.get(reverse("logout"))
    assert response.status_code == 200
    assert "确定要退出登录吗" in response.content.decode()
    # The menu's button posts without the confirmation: the question again, still logged in.
    assert client.post(reverse("logout")).status_code == 200
    assert "_auth_user_id" in client.session
    response = client.post(reverse("logout"), {"confirm": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:logged_out")
    assert "您已退出登录" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sending_reads_only_the_number(client, db, sms_file):
    response = client.post(
        reverse("accounts:register"),
        {"action": "send", "phone": PHONE, "code": "abc", "password1": "1", "password2": "2"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert len(texts(sms_file)) == 1
    assert "（选填）" not in content and "(选填)" not in content
