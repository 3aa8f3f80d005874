from django.urls import path, re_path

from meihao.cases.views.reporter import CASE_NUMBER
from meihao.timebank import views

app_name = "timebank"
urlpatterns = [
    path("", views.home, name="home"),
    path("join/", views.join, name="join"),
    path("profile/", views.profile, name="profile"),
    path("profile/family/", views.family_add, name="family_add"),
    path("profile/family/<int:pk>/remove/", views.family_remove, name="family_remove"),
    path("ask/", views.ask, name="ask"),
    path("nearby/", views.nearby, name="nearby"),
    path("mine/", views.mine, name="mine"),
    re_path(rf"^requests/{CASE_NUMBER}/$", views.detail, name="request"),
    re_path(rf"^requests/{CASE_NUMBER}/(?P<step>[a-z-]+)/$", views.act, name="act"),
    path("staff/members/", views.members, name="members"),
    path("staff/pool/", views.pool, name="pool"),
]
