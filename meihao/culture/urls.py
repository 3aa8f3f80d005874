from django.urls import path

from meihao.culture import views

app_name = "culture"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("events/<str:pk>/partners/", views.partners, name="partners"),
    path("showcases/", views.showcases, name="showcases"),
    path("showcases/new/", views.showcase_create, name="showcase_create"),
    path("showcases/<str:pk>/withdraw/", views.showcase_withdraw, name="showcase_withdraw"),
    path("showcases/<str:pk>/photos/", views.showcase_photo_add, name="showcase_photo_add"),
    path("showcases/photos/<str:pk>/remove/", views.showcase_photo_remove, name="photo_remove"),
    path("showcases/photos/<str:pk>/<str:variant>/", views.showcase_photo, name="photo"),
]
