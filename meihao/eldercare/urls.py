from django.urls import path

from meihao.eldercare import views

app_name = "eldercare"
urlpatterns = [
    path("", views.elders, name="elders"),
    path("family/", views.family, name="family"),
    path("family/<str:link>/leave/", views.family_leave, name="family_leave"),
    path("register/", views.register_find, name="register_find"),
    path("register/<str:pk>/", views.register, name="register"),
    path("<str:pk>/", views.elder_page, name="elder"),
    path("<str:pk>/edit/", views.edit, name="edit"),
    path("<str:pk>/family/", views.family_add, name="family_add"),
    path("<str:pk>/family/<str:link>/end/", views.family_end, name="family_end"),
    path("<str:pk>/assess/", views.assess, name="assess"),
    path("assessments/<str:pk>/", views.assessment_page, name="assessment"),
    path("assessments/<str:pk>/pdf/", views.assessment_download, name="assessment_pdf"),
]
