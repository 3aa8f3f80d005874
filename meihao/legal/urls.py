from django.urls import path

from meihao.legal import views

app_name = "legal"

urlpatterns = [
    path("", views.home, name="home"),
    path("ask/", views.ask, name="ask"),
    path("compliance/", views.compliance, name="compliance"),
    path("consultations/<str:number>/", views.consultation, name="consultation"),
    path("consultations/<str:number>/<str:step>/", views.act, name="act"),
]
