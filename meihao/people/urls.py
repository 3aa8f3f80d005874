from django.urls import path

from meihao.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("export/", views.person_export, name="export"),
    path("import/", views.person_import, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("me/", views.profile, name="profile"),
    path("me/details/", views.own_details, name="own_details"),
    path("me/tokens/", views.token_create, name="token_create"),
    path("me/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/id-number/", views.reveal_id_number, name="reveal_id_number"),
    path("<int:person_id>/confirm-home/", views.confirm_home, name="confirm_home"),
]
