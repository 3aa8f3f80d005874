from django.contrib import admin
from django.urls import include, path, re_path

from meihao.api import api
from meihao.catalogue import views as catalogue_views
from meihao.core.public_routes import authenticating_itself
from meihao.egov import views as egov_views
from meihao.web.views import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", authenticating_itself(api.urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("meihao.web.urls")),
    path("accounts/", include("meihao.accounts.urls")),
    path("places/", include("meihao.places.urls")),
    path("people/", include("meihao.people.urls")),
    path("patrols/", include("meihao.patrols.urls")),
    path("inbox/", include("meihao.notify.urls")),
    path("cases/", include("meihao.cases.urls")),
    path("insights/", include("meihao.insights.urls")),
    path("open311/v2/", include("meihao.cases.open311.urls")),
    path("ledger/", include("meihao.ledger.urls")),
    path("activities/", include("meihao.activities.urls")),
    path("volunteers/", include("meihao.volunteers.urls")),
    path("volunteers/", include("meihao.dual.urls")),
    path("rewards/", include("meihao.rewards.urls")),
    path("timebank/", include("meihao.timebank.urls")),
    path("wishes/", include("meihao.wishes.urls")),
    path("notices/", include("meihao.bulletins.urls")),
    path("services/", include("meihao.catalogue.urls")),
    path("applications/", include("meihao.egov.urls")),
    path("petitions/", include("meihao.petitions.urls")),
    path("elders/", include("meihao.eldercare.urls")),
    path("care/", include("meihao.care.urls")),
    path("legal/", include("meihao.legal.urls")),
    path("police/", include("meihao.police.urls")),
    path("counselling/", include("meihao.counselling.urls")),
    path("supervision/", include("meihao.supervision.urls")),
    path("party/", include("meihao.party.urls")),
    path("projects/", include("meihao.projects.urls")),
    path("frontage/", include("meihao.frontage.urls")),
    path("lectures/", include("meihao.lectures.urls")),
    path("red-culture/", include("meihao.redculture.urls")),
    path("culture/", include("meihao.culture.urls")),
    path("venues/", include("meihao.venues.urls")),
    path("wall/", include("meihao.wall.urls")),
    path("ratings/", include("meihao.ratings.urls")),
    path("reports/", include("meihao.reports.urls")),
    path("dashboard/", include("meihao.dashboards.urls")),
    # The short link printed under a guide's QR code on the community centre's posters.
    path("s/<slug:short>/", catalogue_views.short_link, name="service_short"),
    # The address in the QR code of an electronic document: short, so the code stays readable.
    re_path(r"^d/(?P<token>[A-Za-z0-9_-]{1,32})/$", egov_views.document_verify, name="document"),
]
# Uploaded files are never served from MEDIA_ROOT directly: case photos go through a view that
# checks who may see them (private cases keep their photos private, in DEBUG too).
