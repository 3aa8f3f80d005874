from django.urls import path

from meihao.culture import views

app_name = "culture"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("events/<str:pk>/partners/", views.partners, name="partners"),
    path("showcases/", views.showcases, name="showcases"),
    path("showcases/new/", views.showcase_create, name="showcase_create"),
    path("showcases/<str:pk>/withdraw/", views.showcase_withdraw, name="showcase_withdraw"),
]
