from django.urls import path

from meihao.insights import views

app_name = "insights"
urlpatterns = [
    path("cases/", views.cases, name="cases"),
]
