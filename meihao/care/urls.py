from django.urls import path

from meihao.care import views

app_name = "care"
urlpatterns = [
    path("", views.home, name="home"),
    path("work/", views.work, name="work"),
    path("orders/", views.orders, name="orders"),
    path("orders/<str:number>/", views.order, name="order"),
    path("orders/<str:number>/assign/", views.assign, name="assign"),
    path("orders/<str:number>/cancel/", views.cancel, name="cancel"),
    path("orders/<str:number>/rate/", views.rate, name="rate"),
    path("orders/<str:number>/<str:step>/", views.act, name="act"),
    path("providers/", views.providers, name="providers"),
    path("providers/<str:pk>/", views.provider, name="provider"),
    path("elders/<str:pk>/", views.elder_home, name="elder"),
    path("elders/<str:pk>/help/", views.help_call, name="help"),
    path("elders/<str:pk>/top-up/", views.top_up, name="top_up"),
    path("elders/<str:pk>/order/<str:code>/", views.order_new, name="order_new"),
]
