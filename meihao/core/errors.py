"""Domain errors: a stable machine code plus a message in the user's language."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refusal in the domain's words. `status` is the HTTP status the API and pages answer."""

    code = "invalid"
    status = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, code: str | None = None, field: str | None = None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.field = field
        super().__init__(str(self.message))


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403
    default_message = _("You may not do this.")


class ValidationFailed(DomainError):
    code = "validation_failed"
    status = 400
    default_message = _("Some of the data is not valid.")


class IllegalTransition(DomainError):
    """The action is not possible in the record's current state."""

    code = "illegal_transition"
    status = 409
    default_message = _("This action is not possible in the case's current state.")


class ConcurrentChange(DomainError):
    """Someone else changed the record between reading it and acting on it; nothing changed."""

    code = "concurrent_change"
    status = 409
    default_message = _("Someone else changed this case just now. Reload it and try again.")
