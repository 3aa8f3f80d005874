from django.urls import path

from meihao.accounts import views

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("login/code/", views.login_with_code, name="login_code"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("logged-out/", views.logged_out, name="logged_out"),
]
