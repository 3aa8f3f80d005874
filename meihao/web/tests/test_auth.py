from django.urls import reverse

from meihao.core.testing import PASSWORD


def test_login_page_is_chinese_and_mobile_friendly(client, db):
    response = client.get(reverse("login"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'lang="zh-hans"' in content
    assert "手机号" in content
    assert 'name="viewport"' in content
    assert 'inputmode="tel"' in content


def test_login_with_phone_and_password(client, personas):
    response = client.post(
        reverse("login"), {"username": "13800000007", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == personas.resident_a


def test_login_accepts_a_phone_typed_with_spaces(client, personas):
    response = client.post(reverse("login"), {"username": "138 0000 0007", "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_gives_a_chinese_error(client, personas):
    response = client.post(reverse("login"), {"username": "13800000007", "password": "wrong"})
    assert response.status_code == 422  # a refused form shown again
    assert "手机号或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session_only_on_the_confirmation(client, personas):
    client.force_login(personas.resident_a)
    assert client.get(reverse("logout")).status_code == 200
    assert "_auth_user_id" in client.session
    response = client.post(reverse("logout"), {"confirm": "yes"})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_language_switch_to_english(client, db):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("login")}, follow=True
    )
    content = response.content.decode()
    assert 'lang="en"' in content
    assert "Mobile number" in content
    assert "手机号" not in content


def test_not_found_page_is_chinese(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_server_error_template_is_chinese():
    from django.template.loader import render_to_string

    assert "出错了" in render_to_string("500.html")
