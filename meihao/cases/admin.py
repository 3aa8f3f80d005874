from django.contrib import admin

from meihao.cases.models import Case, CaseCategory, CaseEvent, CaseType, Escalation, Holiday


class CaseCategoryInline(admin.TabularInline):
    model = CaseCategory
    extra = 0
    fields = (
        "code",
        "parent",
        "kind",
        "name_zh",
        "name_en",
        "department",
        "time_limit",
        "time_unit",
        "duplicate_radius_m",
        "is_active",
    )
    show_change_link = True


@admin.register(CaseType)
class CaseTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "dispatch_mode", "visibility", "is_active")
    list_filter = ("dispatch_mode", "visibility", "is_active")
    search_fields = ("code", "name_zh", "name_en")
    inlines = [CaseCategoryInline]


@admin.register(CaseCategory)
class CaseCategoryAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_zh",
        "case_type",
        "kind",
        "department",
        "time_limit",
        "time_unit",
        "duplicate_radius_m",
        "public",
    )
    list_filter = ("case_type", "kind", "public", "department", "time_unit")
    search_fields = ("code", "name_zh", "name_en", "keywords")
    list_select_related = ("case_type",)
    raw_id_fields = ("parent",)


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "actor", "action", "from_status", "to_status", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only in the back office: every change goes through the workflow services."""

    list_display = (
        "number",
        "case_type",
        "category",
        "status",
        "response_sla",
        "handling_sla",
        "resolve_by",
        "created_at",
    )
    list_filter = ("case_type", "status", "response_sla", "handling_sla", "channel")
    search_fields = ("number", "description", "address")
    list_select_related = ("case_type", "category")
    date_hierarchy = "created_at"
    inlines = [CaseEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ("case", "clock", "level", "created_at")
    list_filter = ("clock", "level")
    search_fields = ("case__number",)
    list_select_related = ("case",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_workday")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    search_fields = ("name",)
