"""Pushing a published notice to the WeCom groups of the teams its author chose."""

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from meihao.notify.kinds import register_kind
from meihao.notify.services import notify_team

register_kind("notice_published", label=_("A notice of my community"), audience=frozenset())

PUSH_SUBJECT = _("Notice: {{ title }}")
PUSH_BODY = _("{{ excerpt }}")


def push_to_groups(notice) -> int:
    """One group message per chosen team with a WeCom robot (or mailbox); members' inboxes are
    not filled: residents read notices on their home page. Returns the messages written."""
    written = 0
    for team in notice.push_teams.all():
        written += len(
            notify_team(
                team=team,
                kind="notice_published",
                subject=PUSH_SUBJECT,
                body=PUSH_BODY,
                context={
                    "title": notice.title,
                    "excerpt": Truncator(notice.body).chars(120),
                },
                link=reverse("bulletins:detail", args=[notice.pk]),
                target=notice,
                idempotency_key=f"notice:{notice.pk}:pushed",
                inbox_members=False,
            )
        )
    return written
