from django.urls import path

from meihao.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.register, name="register"),
    path("enter/", views.enter, name="enter"),
    path("<str:pk>/", views.entry, name="entry"),
    path("<str:pk>/visit/", views.visit, name="visit"),
    path("<str:pk>/end/", views.end, name="end"),
]
