from django.urls import path

from meihao.dual import views

# Mounted under /volunteers/, where these pages were before dual registration was its own app.
app_name = "dual"
urlpatterns = [
    # The community's pages
    path("dual/", views.registrations, name="registrations"),
    path("dual/units/", views.unit_register, name="unit_register"),
    path("dual/members/", views.member_register, name="member_register"),
    path("dual/posts/", views.posts, name="posts"),
    path("dual/posts/<int:post_id>/", views.post_detail, name="post"),
    path("dual/posts/<int:post_id>/status/", views.post_status, name="post_status"),
    path("dual/claims/<int:claim_id>/confirm/", views.claim_confirm, name="claim_confirm"),
    path("dual/claims/<int:claim_id>/release/", views.claim_release, name="claim_release"),
    path("dual/report/", views.report, name="report"),
    # … and the party member's
    path("posts/", views.member_posts, name="member_posts"),
    path("posts/<int:post_id>/claim/", views.post_claim, name="post_claim"),
    path("posts/mine/", views.my_claims, name="my_claims"),
    path("posts/mine/<int:claim_id>/cancel/", views.claim_cancel, name="claim_cancel"),
]
