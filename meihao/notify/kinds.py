"""The vocabulary of messages: each kind an app sends, what people call it, how it is sent.

An app registers its kinds once, at import (next to the code that sends them):

    register_kind(
        "case_dispatched",
        label=_("A case is dispatched to me"),
        default=Channel.INBOX,
        by_role={Role.DEPARTMENT_STAFF: Channel.WECOM},
    )

The preferences page lists the registered kinds a person may receive (`audience`), one row each;
`default` and `by_role` choose the channel of someone who has not chosen. A kind with a
`digest_subject` is never sent one message per event: the events of one person's window of
NOTIFY_DIGEST_MINUTES wait and go out together as one digest (`notify.digests`). A kind nobody
registered goes to the inbox and is not on the preferences page.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotifyBy(models.TextChoices):
    """What a person may choose for a kind of message: a channel, or nothing at all."""

    INBOX = "inbox", _("Inbox")
    WECOM = "wecom", _("WeCom")
    EMAIL = "email", _("Email")
    OFF = "off", pgettext_lazy("notification channel", "Off")


@dataclass(frozen=True)
class MessageKind:
    code: str
    label: object  # a lazy translation: what the preferences page calls the kind
    default: str = NotifyBy.INBOX
    by_role: Mapping[str, str] = field(default_factory=dict)
    # Who may receive it (roles); empty: everyone, residents too.
    audience: frozenset = frozenset()
    # Digested kinds: the digest's subject (a template with `count`) and where it links to.
    digest_subject: object = None
    digest_link: Callable[[], str] | None = None

    @property
    def digested(self) -> bool:
        return self.digest_subject is not None

    def default_for(self, roles: Iterable[str]) -> str:
        """The channel of someone holding `roles` who has not chosen: the first of the kind's
        role defaults that matches one of their roles, else the kind's default."""
        held = set(roles)
        for role, channel in self.by_role.items():
            if role in held:
                return channel
        return self.default

    def concerns(self, roles: Iterable[str]) -> bool:
        return not self.audience or bool(self.audience & set(roles))


KINDS: dict[str, MessageKind] = {}


def register_kind(
    code: str,
    *,
    label,
    default: str = NotifyBy.INBOX,
    by_role: Mapping[str, str] | None = None,
    audience: Iterable[str] = (),
    digest_subject=None,
    digest_link: Callable[[], str] | None = None,
) -> MessageKind:
    kind = MessageKind(
        code=code,
        label=label,
        default=NotifyBy(default),
        by_role={role: NotifyBy(channel) for role, channel in (by_role or {}).items()},
        audience=frozenset(audience),
        digest_subject=digest_subject,
        digest_link=digest_link,
    )
    if code in KINDS and KINDS[code] != kind:
        raise ImproperlyConfigured(f"The message kind {code!r} is registered twice.")
    KINDS[code] = kind
    return kind


def kind_of(code: str) -> MessageKind:
    """The registered kind, or an unregistered one that goes to the inbox."""
    return KINDS.get(code) or MessageKind(code=code, label=code)
