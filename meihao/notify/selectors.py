"""Reading the inbox: always the asking user's own messages."""

from meihao.notify.models import Message


def inbox_list(user):
    """The user's messages, newest first (notify_message_inbox_idx)."""
    return Message.objects.visible_to(user).only(
        "id", "subject", "body", "link", "kind", "created_at", "read_at"
    )


def inbox_unread_count(user) -> int:
    """One COUNT over the partial index of unread rows: what the header bell shows."""
    return Message.objects.visible_to(user).unread().count()
