from django.urls import path

from meihao.volunteers import views

app_name = "volunteers"
urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    # The alliance's tiers and teams
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:team_id>/", views.team_detail, name="team"),
    path("teams/<int:team_id>/join/", views.team_join, name="team_join"),
    path("teams/<int:team_id>/leave/", views.team_leave, name="team_leave"),
    path("teams/<int:team_id>/members/", views.member_add, name="member_add"),
    path("teams/<int:team_id>/members/<int:member_id>/", views.member_update, name="member_update"),
    path(
        "teams/<int:team_id>/members/<int:member_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("teams/<int:team_id>/pairings/", views.pairing_add, name="pairing_add"),
    path(
        "teams/<int:team_id>/pairings/<int:pairing_id>/remove/",
        views.pairing_remove,
        name="pairing_remove",
    ),
    path("teams/<int:team_id>/units/", views.unit_add, name="unit_add"),
    path("teams/<int:team_id>/units/<int:unit_id>/remove/", views.unit_remove, name="unit_remove"),
    # Staff: volunteers and their certificates
    path("roster/", views.roster, name="roster"),
    path("roster/<int:profile_id>/", views.volunteer_detail, name="volunteer"),
    path("roster/<int:profile_id>/suspend/", views.volunteer_suspend, name="suspend"),
    path("roster/<int:profile_id>/reactivate/", views.volunteer_reactivate, name="reactivate"),
    path("roster/<int:profile_id>/certificates/", views.certificate_issue, name="issue"),
    path("certificates/", views.certificate_list, name="certificates"),
    path(
        "certificates/<int:certificate_id>/pdf/",
        views.certificate_download,
        name="certificate_pdf",
    ),
    path(
        "certificates/<int:certificate_id>/revoke/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    # Public: anyone holding the QR code checks a certificate here, without logging in.
    path("certificates/<str:token>/", views.certificate_verify, name="verify"),
]
