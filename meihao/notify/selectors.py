"""Reading the inbox: always the asking user's own messages."""

from django.db.models import Prefetch

from meihao.notify.kinds import KINDS, NotifyBy
from meihao.notify.models import ChannelChoice, Message
from meihao.notify.services import roles_of


def inbox_list(user):
    """The user's messages, newest first (notify_message_inbox_idx), each digest with the
    events it lists."""
    return (
        Message.objects.visible_to(user)
        .in_inbox()
        .only("id", "subject", "body", "link", "kind", "created_at", "read_at")
        .prefetch_related(
            Prefetch(
                "digest_entries",
                queryset=Message.objects.only("id", "subject", "link", "digest_id").order_by("id"),
            )
        )
    )


def inbox_unread_count(user) -> int:
    """One COUNT over the partial index of unread rows: what the header bell shows."""
    return Message.objects.visible_to(user).in_inbox().unread().count()


def channel_choices(user) -> list[tuple]:
    """The kinds the user may receive, each with the channel that applies to them now (their
    choice or the default for their roles) and that default: the preferences page's rows."""

    roles = roles_of([user.pk]).get(user.pk, set())
    chosen = dict(ChannelChoice.objects.filter(user=user).values_list("kind", "channel"))
    rows = []
    for kind in KINDS.values():
        if kind.concerns(roles):
            default = kind.default_for(roles)
            rows.append((kind, NotifyBy(chosen.get(kind.code, default)), default))
    return rows
