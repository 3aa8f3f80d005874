from django.contrib import admin

from meihao.ledger.models import Account, EarningRule, Transfer


@admin.register(EarningRule)
class EarningRuleAdmin(admin.ModelAdmin):
    list_display = ["basis", "key", "points_per_hour", "points_each", "is_active"]
    list_filter = ["basis", "is_active"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Balances move only through the ledger's services: the admin shows, never edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["code", "kind", "unit", "balance", "cap"]
    list_filter = ["kind", "unit"]
    search_fields = ["code"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["idempotency_key", "kind", "unit", "amount", "source", "target", "created_at"]
    list_filter = ["kind", "unit"]
    search_fields = ["idempotency_key", "cause_id"]
