"""The case engine's domain errors (on top of core.errors' NotFound / PermissionDenied)."""

from django.utils.translation import gettext_lazy as _

from meihao.core.errors import DomainError


class IllegalTransition(DomainError):
    """The action is not possible in the case's current state."""

    code = "illegal_transition"
    default_message = _("This action is not possible in the case's current state.")


class ConcurrentChange(DomainError):
    """Someone else changed the case between reading it and acting on it; nothing was changed."""

    code = "concurrent_change"
    default_message = _("Someone else changed this case just now. Reload it and try again.")
