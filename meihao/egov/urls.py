from django.urls import path, re_path

from meihao.cases.views.reporter import CASE_NUMBER
from meihao.egov import views

app_name = "egov"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("work/", views.work, name="work"),
    path("publicity/", views.publicity, name="publicity"),
    path("apply/<str:code>/", views.apply, name="apply"),
    path("counter/<str:code>/", views.counter, name="counter"),
    path("counter/<str:code>/visit/", views.counter_visit, name="counter_visit"),
    re_path(rf"^{CASE_NUMBER}/$", views.detail, name="detail"),
    re_path(rf"^{CASE_NUMBER}/files/(?P<pk>\d{{1,12}})/$", views.attachment, name="attachment"),
    re_path(rf"^{CASE_NUMBER}/documents/$", views.document_issue, name="document_issue"),
    re_path(
        rf"^{CASE_NUMBER}/documents/(?P<pk>\d{{1,12}})/pdf/$",
        views.document_download,
        name="document_pdf",
    ),
    re_path(
        rf"^{CASE_NUMBER}/documents/(?P<pk>\d{{1,12}})/revoke/$",
        views.document_revoke,
        name="document_revoke",
    ),
    re_path(rf"^{CASE_NUMBER}/(?P<step>[a-z-]+)/$", views.act, name="act"),
]
