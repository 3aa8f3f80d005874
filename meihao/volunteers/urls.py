from django.urls import path

from meihao.volunteers import dual_views, views

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
    # Dual registration (双报到): the community's pages
    path("dual/", dual_views.registrations, name="dual"),
    path("dual/units/", dual_views.unit_register, name="dual_unit_register"),
    path("dual/members/", dual_views.member_register, name="dual_member_register"),
    path("dual/posts/", dual_views.posts, name="dual_posts"),
    path("dual/posts/<int:post_id>/", dual_views.post_detail, name="dual_post"),
    path("dual/posts/<int:post_id>/status/", dual_views.post_status, name="dual_post_status"),
    path("dual/claims/<int:claim_id>/confirm/", dual_views.claim_confirm, name="claim_confirm"),
    path("dual/claims/<int:claim_id>/release/", dual_views.claim_release, name="claim_release"),
    path("dual/report/", dual_views.report, name="dual_report"),
    # … and the party member's
    path("posts/", dual_views.member_posts, name="posts"),
    path("posts/<int:post_id>/claim/", dual_views.post_claim, name="post_claim"),
    path("posts/mine/", dual_views.my_claims, name="my_claims"),
    path("posts/mine/<int:claim_id>/cancel/", dual_views.claim_cancel, name="claim_cancel"),
]
