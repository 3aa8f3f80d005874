from django.urls import path

from meihao.places import views

app_name = "places"
urlpatterns = [
    path("", views.browser, name="browser"),
    # Before "<code>/": "map" is no place's code (codes are digits), but keep the order plain.
    path("map/base/", views.base_map, name="base_map"),
    path("map/search/", views.map_search, name="map_search"),
    path("<str:code>/", views.detail, name="detail"),
]
