"""The district's configuration of home care: the catalogue (prices, durations, skills, the
subsidy) and the voucher policies. Providers, their staff and orders are records the services
write (care.services), shown here read-only for support."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from meihao.care.models import CareService, Provider, VoucherPolicy


@admin.register(CareService)
class CareServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "family", "price_cents", "duration_minutes", "subsidised"]
    list_filter = ["family", "subsidised", "is_active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None):
        return False  # orders keep their item: retire it (inactive) instead


@admin.register(VoucherPolicy)
class VoucherPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "min_level", "for_low_income", "monthly_cents", "share_percent"]
    filter_horizontal = ["services"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "place_path", "is_active", "rating_count"]
    list_filter = ["kind", "is_active", "on_call"]
    search_fields = ["organisation__name"]
    fields = [
        "organisation",
        "kind",
        "place_path",
        "address",
        "lat",
        "lon",
        "services_offered",
        "opens_at",
        "closes_at",
        "on_call",
        "is_active",
        "rating_count",
        "rating_total",
    ]

    def has_add_permission(self, request):
        return False  # registered by the officials of its place (care.services.provider_register)

    readonly_fields = ["services_offered"]

    @admin.display(description=_("services offered"))
    def services_offered(self, provider) -> str:
        return "、".join(s.name for s in provider.services.all())

    def has_change_permission(self, request, obj=None):
        # Changed on the product's pages only (care.services.provider_update and
        # provider_set_active), which keep its offerings' positions and the audit trail.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
