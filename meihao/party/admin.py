from django.contrib import admin

from meihao.party import meetings
from meihao.party.models import MeetingType, PartyOrg


@admin.register(MeetingType)
class MeetingTypeAdmin(admin.ModelAdmin):
    """The district sets which meetings branches and groups owe, and how often."""

    list_display = ("name_zh", "code", "level", "period", "minimum", "quorum", "is_active")
    list_editable = ("period", "minimum", "is_active")
    ordering = ("order", "code")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"period", "minimum", "secretary_teaches_yearly"} & set(form.changed_data):
            meetings.tallies_rebuild(obj)


@admin.register(PartyOrg)
class PartyOrgAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "place", "temporary", "starts_on", "ends_on")
    list_filter = ("level", "temporary")
    search_fields = ("name",)
    readonly_fields = ("path", "parent", "level", "place")
    list_select_related = ("place",)
