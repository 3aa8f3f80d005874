"""Sending text messages: a pluggable backend, chosen like Django's EMAIL_BACKEND.

`settings.SMS_BACKEND` is the dotted path of a class with `send(phone, text)`:
- `ConsoleSmsBackend` writes the message to the log (development);
- `FileSmsBackend` appends one JSON line per message to `SMS_FILE_PATH` (the demo and the
  browser tests, which read the code from it);
- `HttpSmsBackend` posts the message as JSON to the operator's SMS gateway (`SMS_HTTP_URL`, with
  `SMS_HTTP_KEY` as a bearer token), which speaks to the carrier or a cloud SMS service.
A backend raises `SmsNotSent` when the message did not leave.
"""

import json
import logging
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("meihao.sms")


class SmsNotSent(Exception):
    pass


class ConsoleSmsBackend:
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class FileSmsBackend:
    def send(self, phone: str, text: str) -> None:
        path = Path(settings.SMS_FILE_PATH)
        line = json.dumps(
            {"phone": phone, "text": text, "sent_at": timezone.now().isoformat()},
            ensure_ascii=False,
        )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        except OSError as exc:
            raise SmsNotSent(str(exc)) from exc


class HttpSmsBackend:
    """POST {"phone", "text"} as JSON; any 2xx answer is a message sent."""

    def send(self, phone: str, text: str) -> None:
        body = json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - the operator's configured https URL
            settings.SMS_HTTP_URL,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {settings.SMS_HTTP_KEY}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT):  # noqa: S310
                return
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            logger.warning("SMS gateway refused or unreachable: %s", exc)
            raise SmsNotSent(str(exc)) from exc


def send_sms(phone: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, text)
