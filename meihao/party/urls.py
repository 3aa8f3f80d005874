from django.urls import path

from meihao.party import views

app_name = "party"

urlpatterns = [
    path("", views.home, name="home"),
    path("orgs/<str:pk>/", views.org, name="org"),
    path("orgs/<str:pk>/add/", views.org_add, name="org_add"),
    path("orgs/<str:pk>/members/add/", views.member_add, name="member_add"),
    path("orgs/<str:pk>/posts/", views.post_assign, name="post_assign"),
    path("posts/<str:pk>/remove/", views.post_remove, name="post_remove"),
    path("orgs/<str:pk>/record.pdf", views.record_book, name="record_book"),
    path("orgs/<str:pk>/meetings/", views.meeting_schedule, name="meeting_schedule"),
    path("meetings/<str:pk>/", views.meeting, name="meeting"),
    path("meetings/<str:pk>/finish/", views.meeting_finish, name="meeting_finish"),
    path("meetings/<str:pk>/minutes/", views.minutes, name="minutes"),
    path("meetings/<str:pk>/approve/", views.approve, name="approve"),
    path("meetings/<str:pk>/absence/", views.absence, name="absence"),
    path("compliance/", views.compliance_view, name="compliance"),
    path("study/", views.study_list, name="study"),
    path("study/<str:pk>/", views.study_material, name="study_material"),
    path("study/<str:pk>/done/", views.study_done, name="study_done"),
    path("orgs/<str:pk>/study/", views.study_publish, name="study_publish"),
    path("members/<str:pk>/", views.member, name="member"),
    path("members/<str:pk>/transfer/", views.member_transfer, name="member_transfer"),
    path("members/<str:pk>/status/", views.member_status, name="member_status"),
    path("members/<str:pk>/away/", views.member_away, name="member_away"),
]
