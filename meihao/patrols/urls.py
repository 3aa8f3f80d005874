from django.urls import path

from meihao.patrols import views

app_name = "patrols"
urlpatterns = [
    path("", views.current, name="current"),
    path("start/", views.start, name="start"),
    path("s/<uuid:client_id>/points/", views.points, name="points"),
    path("s/<uuid:client_id>/end/", views.end, name="end"),
    path("duty/", views.duty, name="duty"),
    path("mine/", views.mine, name="mine"),
]
