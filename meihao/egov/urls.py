from django.urls import re_path

from meihao.cases.views.reporter import CASE_NUMBER
from meihao.egov import views

app_name = "egov"
urlpatterns = [
    re_path(rf"^{CASE_NUMBER}/$", views.detail, name="detail"),
    re_path(rf"^{CASE_NUMBER}/files/(?P<pk>\d{{1,12}})/$", views.attachment, name="attachment"),
    re_path(rf"^{CASE_NUMBER}/(?P<step>[a-z-]+)/$", views.act, name="act"),
]
