"""Back office: the outbox, its delivery log and fan-outs (read-only), retries, and where teams
are told."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from meihao.core.audit import audit_change
from meihao.notify import fanout, services
from meihao.notify.models import ChannelChoice, Delivery, FanOut, Message, Preference, TeamChannel


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryInline(ReadOnlyMixin, admin.TabularInline):
    model = Delivery
    extra = 0
    fields = ("channel", "status", "attempts", "next_attempt_at", "sent_at", "last_error")
    readonly_fields = fields
    show_change_link = True


@admin.register(Message)
class MessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("subject", "kind", "recipient", "team", "created_at", "read_at")
    list_select_related = ("recipient", "team")
    list_filter = ("kind",)
    search_fields = ("=idempotency_key", "=recipient__phone", "subject")
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "message",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    )
    list_select_related = ("message",)
    list_filter = ("status", "channel")
    search_fields = ("=message__idempotency_key",)
    show_full_result_count = False
    actions = ["retry_now"]

    def has_change_permission(self, request, obj=None):
        # Needed for the retry action; every field stays read-only.
        return request.user.has_perm("notify.change_delivery")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset):
        count = services.delivery_retry_now(deliveries=list(queryset), actor=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery queued again.", "%(count)d deliveries queued again.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )


class FanOutEventFilter(admin.SimpleListFilter):
    """By event, named as the back office calls it rather than by its code."""

    title = _("event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return sorted(fanout.LABELS.items(), key=lambda item: str(item[1]))

    def queryset(self, request, queryset):
        return queryset.filter(event=self.value()) if self.value() else queryset


@admin.register(FanOut)
class FanOutAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "event_label",
        "idempotency_key",
        "status",
        "attempts",
        "created_at",
        "done_at",
        "short_error",
    )
    list_filter = ("status", FanOutEventFilter)
    search_fields = ("=idempotency_key",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["retry_now"]

    def has_change_permission(self, request, obj=None):
        # Needed for the retry action; every field stays read-only.
        return request.user.has_perm("notify.change_fanout")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.display(description=_("event"), ordering="event")
    def event_label(self, obj):
        return fanout.LABELS.get(obj.event, obj.event)

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset):
        count = services.fan_out_retry_now(events=list(queryset), actor=request.user)
        self.message_user(
            request,
            ngettext("%(count)d event queued again.", "%(count)d events queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(TeamChannel)
class TeamChannelAdmin(admin.ModelAdmin):
    list_display = ("team", "has_wecom", "email", "is_active", "updated_at")
    list_select_related = ("team",)
    list_filter = ("is_active",)
    search_fields = ("team__name",)
    autocomplete_fields = ("team",)
    actions = ["send_test"]

    @admin.display(boolean=True, description=_("WeCom robot"))
    def has_wecom(self, obj):
        return bool(obj.wecom_webhook_url)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The webhook URL carries the robot's secret key: record that it changed, not its value.
        audit_change(
            actor=request.user,
            action="team_channel_update" if change else "team_channel_create",
            target=obj,
            changes={f: ["", "…"] for f in form.changed_data},
        )

    @admin.action(description=_("Send a test message"))
    def send_test(self, request, queryset):
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
        with transaction.atomic():
            for channel in queryset.select_related("team"):
                services.notify_team(
                    team=channel.team,
                    kind="channel_test",
                    subject=_("Test message from Meihao"),
                    body="notify/messages/channel_test.txt",
                    idempotency_key=f"channel_test:{channel.team_id}:{stamp}",
                    inbox_members=False,
                )
        self.message_user(request, _("Test messages queued."), messages.SUCCESS)


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "language", "email")
    list_select_related = ("user",)
    search_fields = ("=user__phone", "user__name", "email")
    autocomplete_fields = ("user",)


@admin.register(ChannelChoice)
class ChannelChoiceAdmin(admin.ModelAdmin):
    """What people chose on their preferences page, for an operator answering "why did I not
    hear of it?"; each person changes their own there."""

    list_display = ("user", "kind", "channel")
    list_select_related = ("user",)
    list_filter = ("channel", "kind")
    search_fields = ("=user__phone", "user__name")
    autocomplete_fields = ("user",)
