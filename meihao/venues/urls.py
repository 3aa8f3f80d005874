from django.urls import path

from meihao.venues import views

app_name = "venues"

urlpatterns = [
    path("", views.venue_list, name="list"),
    path("bookings/", views.requests, name="requests"),
    path("bookings/mine/", views.mine, name="mine"),
    path("bookings/<str:pk>/cancel/", views.cancel, name="cancel"),
    path("bookings/<str:pk>/decide/", views.decide, name="decide"),
    path("bookings/<str:pk>/activity/", views.hold_activity, name="activity"),
    path("photos/<str:pk>/remove/", views.photo_remove, name="photo_remove"),
    path("photos/<str:pk>/<str:variant>/", views.photo, name="photo"),
    path("<str:pk>/", views.detail, name="detail"),
    path("<str:pk>/photos/", views.photo_add, name="photo_add"),
    path("<str:pk>/book/", views.book, name="book"),
]
