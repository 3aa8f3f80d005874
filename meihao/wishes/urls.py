from django.urls import path, re_path

from meihao.cases.views.reporter import CASE_NUMBER
from meihao.wishes import views

app_name = "wishes"
urlpatterns = [
    path("", views.home, name="home"),
    path("order/", views.order, name="order"),
    path("mine/", views.mine, name="mine"),
    path("wall/", views.wall, name="wall"),
    path("claims/", views.claims, name="claims"),
    path("review/", views.review, name="review"),
    re_path(rf"^{CASE_NUMBER}/$", views.detail, name="detail"),
    re_path(rf"^{CASE_NUMBER}/(?P<step>[a-z-]+)/$", views.act, name="act"),
]
