"""Back-office views of the rewards records. Merchants and items are managed on the rewards
pages (/rewards/manage/), which write through the services and the audit log; here they are
read-only, as are passes and redemptions."""

from django.contrib import admin

from meihao.rewards.models import PartnerMerchant, Redemption, RewardItem


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PartnerMerchant)
class PartnerMerchantAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "address", "is_active", "joined_on")
    list_filter = ("is_active",)
    search_fields = ("organisation__name", "address")


@admin.register(RewardItem)
class RewardItemAdmin(ReadOnlyAdmin):
    list_display = ("name", "merchant", "points_cost", "stock", "limit_per_person", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "merchant__organisation__name")
    list_select_related = ("merchant__organisation",)


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ("number", "item", "merchant", "points", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("item", "merchant__organisation")
    date_hierarchy = "created_at"
