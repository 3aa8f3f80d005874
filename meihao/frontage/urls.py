from django.urls import path

from meihao.frontage import views

app_name = "frontage"

urlpatterns = [
    path("", views.pledge_list, name="list"),
    path("new/", views.pledge_new, name="new"),
    path("<str:pk>/", views.pledge, name="pledge"),
    path("<str:pk>/check/", views.check, name="check"),
    path("<str:pk>/withdraw/", views.withdraw, name="withdraw"),
]
