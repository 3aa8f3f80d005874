from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.patrols.models import PatrolSession, TrackPoint


class TrackPointInline(admin.TabularInline):
    model = TrackPoint
    fields = ["recorded_at", "lat", "lon", "accuracy_m", "received_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False  # points come from the phone only


@admin.register(PatrolSession)
class PatrolSessionAdmin(admin.ModelAdmin):
    list_display = [
        "worker",
        "grid",
        "started_at",
        "ended_at",
        "status",
        "duration_minutes",
        "distance_m",
        "points",
    ]
    list_filter = ["status", "end_reason"]
    list_select_related = ["worker", "grid"]
    date_hierarchy = "started_at"
    search_fields = ["worker__name", "worker__phone", "grid__name", "grid__code"]
    readonly_fields = [
        "worker",
        "person",
        "grid",
        "place_path",
        "client_id",
        "started_at",
        "ended_at",
        "status",
        "end_reason",
        "duration_s",
        "distance_m",
        "point_count",
        "last_point_at",
    ]
    inlines = [TrackPointInline]

    def has_add_permission(self, request):
        return False  # patrols are started by grid workers through patrols.services

    @admin.display(description=pgettext_lazy("track points", "points"), ordering="point_count")
    def points(self, obj):
        return obj.point_count

    @admin.display(description=_("minutes"), ordering="duration_s")
    def duration_minutes(self, obj):
        return obj.duration_minutes
