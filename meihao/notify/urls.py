from django.urls import path

from meihao.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("settings/", views.preferences, name="preferences"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("<int:message_id>/read/", views.mark_read, name="mark_read"),
    path("<int:message_id>/open/", views.open_message, name="open"),
]
