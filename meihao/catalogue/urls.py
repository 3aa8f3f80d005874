from django.urls import path

from meihao.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.item_create, name="create"),
    path("manage/<int:pk>/", views.item_edit, name="edit"),
    path("manage/<int:pk>/versions/", views.item_versions, name="versions"),
    path("<str:code>/", views.item_detail, name="detail"),
    path("<str:code>/poster/", views.item_poster, name="poster"),
    path("<str:code>/forms/<int:material>/", views.blank_form, name="blank_form"),
]
