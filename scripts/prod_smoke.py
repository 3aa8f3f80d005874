"""Drive a production-configured Meihao as each demo role would (run by scripts/prod_smoke.sh).

Usage: prod_smoke.py BASE_URL ACCOUNTS_JSON

Waits for /healthz to report the database and the worker, then for every demo log-in: logs in
through the log-in form, opens the role's home page and every page it links to (GET only, at
most MAX_PAGES a role), and one static file of each page (served by whitenoise under its hashed
name). Fails on any 5xx, a failed log-in, a missing static file or a worker that never beats.
Requests carry what the TLS proxy in front adds (X-Forwarded-Proto: https); cookies are kept by
hand because they are `Secure` and this client speaks plain HTTP to gunicorn.
"""

import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

MAX_PAGES = 40
# Links that end the session or leave the product's pages.
SKIP = re.compile(r"^/(accounts/logout|static/|media/|i18n/|admin/)")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.pages: list[str] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and (attrs.get("href") or "").startswith("/"):
            self.pages.append(attrs["href"].split("#")[0])
        if tag in ("script", "link") and (attrs.get("src") or attrs.get("href") or "").startswith(
            "/static/"
        ):
            self.assets.append(attrs.get("src") or attrs["href"])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.origin = "https://" + urllib.parse.urlsplit(base).netloc
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        headers = {
            "X-Forwarded-Proto": "https",
            "Accept-Language": "zh-hans",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers |= {"Origin": self.origin, "Referer": self.origin + path}
        # The base is the http:// address the script was given, never a user's input.
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";")[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return response.status, dict(response.headers), response.read().decode("utf-8", "replace")

    def get(self, path: str, limit: int = 5) -> tuple[int, str, str]:
        """GET following redirects; (status, final path, body)."""
        for _hop in range(limit):
            status, headers, body = self.request(path)
            if status not in (301, 302, 303, 307, 308):
                return status, path, body
            location = urllib.parse.urlsplit(headers["Location"])
            path = location.path + ("?" + location.query if location.query else "")
        raise AssertionError(f"{path}: too many redirects")


def wait_until_healthy(base: str) -> None:
    deadline = time.monotonic() + 90
    report = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # noqa: S310
                report = json.load(response)
            worker = report.get("worker", {})
            if report.get("status") == "ok" and worker.get("ok", True):
                print(f"healthz: {report}")
                return
        except (OSError, ValueError):
            pass
        time.sleep(1)
    raise SystemExit(f"FAIL: /healthz never reported ok: {report}")


def log_in(browser: Browser, username: str, password: str) -> None:
    status, _path, _body = browser.get("/accounts/login/")
    assert status == 200, f"log-in page answered {status}"
    status, headers, body = browser.request(
        "/accounts/login/",
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": browser.cookies.get("csrftoken", ""),
        },
    )
    if status != 302:
        raise AssertionError(f"log-in of {username} answered {status}: {body[:300]}")


def visit_role(base: str, role: str, account: dict) -> int:
    browser = Browser(base)
    log_in(browser, account["username"], account["password"])
    queue, seen, failures = [account.get("home") or "/"], set(), []
    assets_checked = set()
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen or SKIP.match(path):
            continue
        seen.add(path)
        status, final, body = browser.get(path)
        if status >= 500:
            failures.append(f"{role} GET {path} → {status}")
            continue
        if final.startswith("/accounts/login"):
            failures.append(f"{role} GET {path} → sent to the log-in page")
            continue
        links = Links()
        links.feed(body)
        queue.extend(p for p in links.pages if p not in seen)
        for asset in links.assets[:3]:
            if asset in assets_checked:
                continue
            assets_checked.add(asset)
            asset_status, _final, _body = browser.get(asset)
            if asset_status != 200:
                failures.append(f"{role} static {asset} (on {path}) → {asset_status}")
    for failure in failures:
        print("FAIL:", failure)
    print(f"{role}: {len(seen)} pages, {len(assets_checked)} static files, {len(failures)} failed")
    return len(failures)


def main() -> int:
    base, accounts_file = sys.argv[1], sys.argv[2]
    with open(accounts_file, encoding="utf-8") as handle:
        accounts = json.load(handle)
    wait_until_healthy(base)
    roles = {role: a for role, a in accounts.items() if isinstance(a, dict) and "username" in a}
    if not roles:
        raise SystemExit("FAIL: no demo log-ins")
    failures = sum(visit_role(base, role, account) for role, account in roles.items())
    print(f"prod smoke: {len(roles)} roles, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
