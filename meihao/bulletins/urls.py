from django.urls import path

from meihao.bulletins import views

app_name = "bulletins"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.notice_create, name="create"),
    path("manage/<int:pk>/", views.notice_edit, name="edit"),
    path("manage/<int:pk>/withdraw/", views.notice_withdraw, name="withdraw"),
]
