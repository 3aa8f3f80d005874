from django.urls import path

from meihao.insights import views

app_name = "insights"
urlpatterns = [
    path("cases/", views.cases, name="cases"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/<slug:code>/", views.indicator_detail, name="indicator"),
    path("indicators/<slug:code>/export/", views.indicator_export, name="indicator_export"),
    path("exports/<int:pk>/", views.export_detail, name="export"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
