from django.urls import path

from meihao.rewards.views import counter, manage, resident

app_name = "rewards"
urlpatterns = [
    # Residents
    path("", resident.catalogue, name="catalogue"),
    path("pass/", resident.pass_page, name="pass"),
    path("pass/<int:pk>/status/", resident.pass_status, name="pass_status"),
    path("mine/", resident.mine, name="mine"),
    # The merchant's counter
    path("merchant/", counter.counter, name="counter"),
    path("merchant/customer/", counter.customer, name="customer"),
    path("merchant/confirm/", counter.confirm, name="confirm"),
    path("merchant/redeem/", counter.redeem, name="redeem"),
    path("redemptions/<str:number>/", counter.redemption, name="redemption"),
    path("redemptions/<str:number>/refund/", counter.refund, name="refund"),
    # Managing merchants and items; statements
    path("manage/", manage.merchant_list, name="manage"),
    path("manage/new/", manage.merchant_new, name="merchant_new"),
    path("manage/<int:pk>/", manage.merchant_detail, name="merchant"),
    path("manage/<int:pk>/edit/", manage.merchant_edit, name="merchant_edit"),
    path("manage/<int:pk>/items/new/", manage.item_new, name="item_new"),
    path("manage/<int:pk>/statement/", manage.statement, name="statement"),
    path("manage/items/<int:pk>/edit/", manage.item_edit, name="item_edit"),
    path("manage/items/<int:pk>/stock/", manage.item_stock, name="item_stock"),
]
