"""Fail when UI text in an app is missing from its zh_Hans catalogue (run by `make lint`).

Extracts each app's messages into a scratch copy with makemessages and compares the message ids
with the committed catalogue, so the committed files are never touched.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MSGID = re.compile(r'^msgid "(.*)"$')


def msgids(po: Path) -> set[str]:
    ids, current, in_id = set(), None, False
    for line in po.read_text(encoding="utf-8").splitlines():
        match = MSGID.match(line)
        if match:
            current, in_id = match.group(1), True
        elif in_id and line.startswith('"'):
            current += line[1:-1]
        else:
            if in_id and current:
                ids.add(current)
            in_id = False
    return ids


def main() -> int:
    missing_total = 0
    for app in sorted(p for p in (ROOT / "meihao").iterdir() if (p / "locale").is_dir()):
        committed = app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / app.name
            shutil.copytree(app, copy, ignore=shutil.ignore_patterns("tests", "__pycache__"))
            shutil.rmtree(copy / "locale")
            (copy / "locale").mkdir()
            subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
                [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "zh_Hans"],
                cwd=copy,
                check=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            extracted = msgids(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
        missing = sorted(extracted - (msgids(committed) if committed.exists() else set()))
        for msgid in missing:
            print(f"{app.name}: not in its zh_Hans catalogue: {msgid!r}")
        missing_total += len(missing)
    if missing_total:
        print(f"{missing_total} message(s) missing: run `make makemessages` and translate them.")
    return 1 if missing_total else 0


if __name__ == "__main__":
    sys.exit(main())
