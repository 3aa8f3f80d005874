"""Domain errors: a stable machine code plus a message in the user's language."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "invalid"
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, code: str | None = None, field: str | None = None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.field = field
        super().__init__(str(self.message))


class NotFound(DomainError):
    code = "not_found"
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    code = "forbidden"
    default_message = _("You may not do this.")


class ValidationFailed(DomainError):
    code = "validation_failed"
    default_message = _("Some of the data is not valid.")
