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
    path("<str:pk>/", views.detail, name="detail"),
    path("<str:pk>/book/", views.book, name="book"),
]
