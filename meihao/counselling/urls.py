from django.urls import path

from meihao.counselling import views

app_name = "counselling"

urlpatterns = [
    path("", views.home, name="home"),
    path("ask/", views.ask, name="ask"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/<str:step>/", views.act, name="act"),
]
