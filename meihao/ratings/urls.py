from django.urls import re_path

from meihao.cases.views.reporter import CASE_NUMBER
from meihao.ratings import views

app_name = "ratings"
urlpatterns = [
    re_path(rf"^{CASE_NUMBER}/appeal/$", views.appeal, name="appeal"),
    re_path(rf"^{CASE_NUMBER}/review/$", views.review, name="review"),
]
