import json

from django.core.management.base import BaseCommand

from meihao.core.roles import Role
from meihao.demo.accounts import ACCOUNT_LABELS, demo_accounts, demo_open311_api_key
from meihao.demo.guide import demo_data_notes


class Command(BaseCommand):
    help = "Print the demo log-in of every role (phone, password, landing page)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print JSON for scripts and tests")

    def handle(self, *args, **options):
        accounts = demo_accounts()
        notes = demo_data_notes()
        if options["json"]:
            # Besides one log-in per role: the demo Open311 client's api_key (docs/open311.md)
            # and what the volunteer-side log-ins find in the seeded district.
            payload = {
                **accounts,
                "open311_api_key": demo_open311_api_key(),
                "demo_data": notes,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        labels = {**dict(Role.choices), **ACCOUNT_LABELS}
        rows = [
            (str(labels[role]), role, a["username"], a["password"], a["home"])
            for role, a in accounts.items()
        ]
        headers = ("角色 role", "", "手机号 username", "密码 password", "首页 home")
        widths = [max(_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
        self.stdout.write("Demo log-ins (演示账号):")
        for row in [headers, *rows]:
            self.stdout.write(
                "  "
                + "  ".join(
                    str(cell) + " " * (widths[i] - _width(str(cell))) for i, cell in enumerate(row)
                )
            )
        self.stdout.write(f"Open311 api_key (/open311/v2/): {demo_open311_api_key()}")
        self.stdout.write("What to look at (演示数据):")
        for role, text in notes.items():
            self.stdout.write(f"  {labels[role]} {accounts[role]['username']}: {text}")


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
