from django.urls import path

from meihao.places import views

app_name = "places"
urlpatterns = [
    path("", views.browser, name="browser"),
    path("<str:code>/", views.detail, name="detail"),
]
