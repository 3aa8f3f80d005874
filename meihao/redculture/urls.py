from django.urls import path

from meihao.redculture import views

app_name = "redculture"

urlpatterns = [
    path("", views.map_page, name="map"),
    path("routes/<str:pk>/", views.route, name="route"),
    path("sites/<str:code>/", views.site, name="site"),
    path("sites/<str:code>/qr.svg", views.site_qr, name="site_qr"),
    path("sites/<str:code>/photos/", views.photo_add, name="photo_add"),
    path("photos/<str:pk>/remove/", views.photo_remove, name="photo_remove"),
    path("photos/<str:pk>/<str:variant>/", views.site_photo, name="photo"),
    path("visits/new/", views.visit_new, name="visit_new"),
]
