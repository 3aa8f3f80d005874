from django.urls import path

from meihao.legal import dispute_views, views

app_name = "legal"

urlpatterns = [
    path("", views.home, name="home"),
    path("ask/", views.ask, name="ask"),
    path("compliance/", views.compliance, name="compliance"),
    path("consultations/<str:number>/", views.consultation, name="consultation"),
    path("consultations/<str:number>/<str:step>/", views.act, name="act"),
    path("disputes/", dispute_views.dispute_list, name="disputes"),
    path("disputes/new/", dispute_views.dispute_new, name="dispute_new"),
    path("disputes/<str:number>/", dispute_views.dispute, name="dispute"),
    path("disputes/<str:number>/agreement.pdf", dispute_views.agreement, name="dispute_agreement"),
    path("disputes/<str:number>/<str:step>/", dispute_views.dispute_act, name="dispute_act"),
]
