from django.urls import path

from meihao.redculture import views

app_name = "redculture"

urlpatterns = [
    path("", views.map_page, name="map"),
    path("routes/<str:pk>/", views.route, name="route"),
    path("sites/<str:code>/", views.site, name="site"),
    path("sites/<str:code>/qr.svg", views.site_qr, name="site_qr"),
]
