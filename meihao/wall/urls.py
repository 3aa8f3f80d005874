from django.urls import path, re_path

from meihao.wall import views

app_name = "wall"
PATTERN = r"(?P<secret>[A-Za-z0-9_-]{1,100})"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke, name="revoke"),
    re_path(rf"^t/{PATTERN}/$", views.screen, name="screen"),
    re_path(rf"^t/{PATTERN}/data\.json$", views.data, name="data"),
]
