import json

import pytest


@pytest.fixture(autouse=True)
def sms_file(settings, tmp_path):
    """Every test's texts go to a file of its own, which `last_code` reads."""
    settings.SMS_BACKEND = "meihao.accounts.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms.jsonl"
    return settings.SMS_FILE_PATH


def texts(path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def last_code(path, phone: str) -> str:
    import re

    sent = [text for text in texts(path) if text["phone"] == phone]
    assert sent, f"no text was sent to {phone}"
    return re.search(r"(?<![0-9])([0-9]{6})(?![0-9])", sent[-1]["text"])[1]
