"""The consent a volunteer gives at registration (个人信息使用同意).

The text is the template `TEMPLATE`, shown on the registration page and referred to by the API.
Changing what it says means a new template and a new `VERSION`: a profile records the version
its holder agreed to, so a changed text never silently covers earlier registrations.
"""

from django.template.loader import render_to_string
from django.utils.html import strip_tags

VERSION = "2025-1"
TEMPLATE = "volunteers/consent_2025_1.html"


def plain_text() -> str:
    """The consent text without markup, in the active language (for the API)."""
    return " ".join(strip_tags(render_to_string(TEMPLATE)).split())
