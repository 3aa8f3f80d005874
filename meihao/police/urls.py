from django.urls import path

from meihao.police import views

app_name = "police"

urlpatterns = [
    path("", views.home, name="home"),
    path("send/", views.send, name="send"),
    path("command/", views.command, name="command"),
    path("tips/<str:number>/", views.tip, name="tip"),
    path("tips/<str:number>/<str:step>/", views.tip_act, name="tip_act"),
    path("groups/new/", views.group_new, name="group_new"),
    path("groups/<str:pk>/", views.group, name="group"),
    path("groups/<str:pk>/<str:step>/", views.group_act, name="group_act"),
    path("join/<str:token>/", views.join, name="join"),
]
