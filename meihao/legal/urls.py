from django.urls import path

from meihao.legal import aid_views, dispute_views, views

app_name = "legal"

urlpatterns = [
    path("", views.home, name="home"),
    path("ask/", views.ask, name="ask"),
    path("compliance/", views.compliance, name="compliance"),
    path("consultations/<str:number>/", views.consultation, name="consultation"),
    path("consultations/<str:number>/legal-aid/", aid_views.refer, name="aid_refer"),
    path("consultations/<str:number>/<str:step>/", views.act, name="act"),
    path("aid/", aid_views.referrals, name="aid_referrals"),
    path("aid/<str:pk>/", aid_views.referral, name="aid_referral"),
    path("aid/<str:pk>/decide/", aid_views.decide, name="aid_decide"),
    path("aid/<str:pk>/letter.pdf", aid_views.letter, name="aid_letter"),
    path("disputes/", dispute_views.dispute_list, name="disputes"),
    path("disputes/new/", dispute_views.dispute_new, name="dispute_new"),
    path("disputes/<str:number>/", dispute_views.dispute, name="dispute"),
    path("disputes/<str:number>/agreement.pdf", dispute_views.agreement, name="dispute_agreement"),
    path("disputes/<str:number>/<str:step>/", dispute_views.dispute_act, name="dispute_act"),
]
