from django.contrib.auth import views as auth_views
from django.urls import path

from meihao.accounts.views import logout_confirm
from meihao.web import views
from meihao.web.forms import CheckedPasswordChangeForm, PhoneLoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/large-text/", views.large_text, name="large_text"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=PhoneLoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", logout_confirm, name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="web/password_change_form.html", form_class=CheckedPasswordChangeForm
        ),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="web/password_change_done.html"),
        name="password_change_done",
    ),
]
