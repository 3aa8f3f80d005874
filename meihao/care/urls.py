from django.urls import path

from meihao.care.views import complaints, providers, statements
from meihao.care.views import orders as views

app_name = "care"
urlpatterns = [
    path("", views.home, name="home"),
    path("work/", views.work, name="work"),
    path("orders/", views.orders, name="orders"),
    path("orders/<str:number>/", views.order, name="order"),
    path("orders/<str:number>/assign/", views.assign, name="assign"),
    path("orders/<str:number>/cancel/", views.cancel, name="cancel"),
    path("orders/<str:number>/complain/", complaints.complain, name="complain"),
    path("orders/<str:number>/rate/", views.rate, name="rate"),
    path("orders/<str:number>/refund/", statements.refund, name="refund"),
    path("orders/<str:number>/<str:step>/", views.act, name="act"),
    path("providers/", providers.providers, name="providers"),
    path("providers/new/", providers.provider_new, name="provider_new"),
    path("providers/<str:pk>/", providers.provider, name="provider"),
    path("providers/<str:pk>/edit/", providers.provider_edit, name="provider_edit"),
    path("providers/<str:pk>/staff/", providers.staff_new, name="staff_new"),
    path("providers/<str:pk>/certificates/", providers.certificate_new, name="certificate_new"),
    path("providers/<str:pk>/suspend/", providers.suspend, name="provider_suspend"),
    path("providers/<str:pk>/reactivate/", providers.reactivate, name="provider_reactivate"),
    path("providers/<str:pk>/statement/", statements.statement, name="statement"),
    path("providers/<str:pk>/statement/sample/", statements.sample, name="sample"),
    path("providers/<str:pk>/statement/settle/", statements.settle, name="settle"),
    path("checks/<str:pk>/", statements.check, name="check"),
    path("settlements/", statements.settlements, name="settlements"),
    path("elders/<str:pk>/", views.elder_home, name="elder"),
    path("elders/<str:pk>/help/", views.help_call, name="help"),
    path("elders/<str:pk>/top-up/", views.top_up, name="top_up"),
    path("elders/<str:pk>/order/<str:code>/", views.order_new, name="order_new"),
]
