from django.urls import path

from meihao.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("accounts/<str:code>/", views.statement, name="statement"),
]
