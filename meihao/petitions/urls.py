from django.urls import path, re_path

from meihao.cases.views.reporter import CASE_NUMBER
from meihao.petitions import views

app_name = "petitions"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("track/", views.track, name="track"),
    re_path(rf"^{CASE_NUMBER}/decline/$", views.decline, name="decline"),
    re_path(rf"^{CASE_NUMBER}/merge/$", views.merge, name="merge"),
    re_path(rf"^{CASE_NUMBER}/publish/$", views.publish, name="publish"),
    re_path(rf"^{CASE_NUMBER}/unpublish/$", views.unpublish, name="unpublish"),
]
