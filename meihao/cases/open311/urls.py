from django.urls import re_path

from meihao.cases.open311 import views

app_name = "open311"

# Every resource takes its format as a suffix, as GeoReport v2 prescribes: services.json, …
FORMAT = r"\.(?P<fmt>json|xml)$"
# Identifiers are case numbers and class codes: letters, digits, - _ .
IDENTIFIER = r"[A-Za-z0-9_\-]+"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.service_list, name="services"),
    re_path(
        rf"^services/(?P<service_code>{IDENTIFIER})" + FORMAT,
        views.service_definition,
        name="service",
    ),
    re_path(r"^requests" + FORMAT, views.requests, name="requests"),
    re_path(
        rf"^requests/(?P<service_request_id>{IDENTIFIER})" + FORMAT,
        views.request_detail,
        name="request",
    ),
    re_path(rf"^tokens/(?P<token>{IDENTIFIER})" + FORMAT, views.token_detail, name="token"),
]
