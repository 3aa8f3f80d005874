from django.contrib import admin

from meihao.police.models import Block, PoliceGroup


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ("name", "street", "officer", "phone", "station")
    list_filter = ("street",)
    search_fields = ("name", "station")
    filter_horizontal = ("grids",)
    raw_id_fields = ("officer",)


@admin.register(PoliceGroup)
class PoliceGroupAdmin(admin.ModelAdmin):
    list_display = ("team", "block", "officer", "created_at")
    raw_id_fields = ("team", "officer")
    exclude = ("invite_token",)
