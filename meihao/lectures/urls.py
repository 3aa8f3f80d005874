from django.urls import path

from meihao.lectures import views

app_name = "lectures"

urlpatterns = [
    path("", views.menu, name="menu"),
    path("mine/", views.mine, name="mine"),
    path("desk/", views.desk, name="desk"),
    path("desk/topics/", views.topic_create, name="topic_create"),
    path("desk/requests/<str:pk>/schedule/", views.schedule, name="schedule"),
    path("desk/requests/<str:pk>/decline/", views.decline, name="decline"),
    path("programme/", views.programme, name="programme"),
    path("topics/<str:pk>/", views.topic, name="topic"),
    path("topics/<str:pk>/order/", views.order, name="order"),
    path("topics/<str:pk>/order/cancel/", views.order_cancel, name="order_cancel"),
    path("topics/<str:pk>/request/", views.request_session, name="request"),
    path("topics/<str:pk>/status/", views.topic_status, name="topic_status"),
]
