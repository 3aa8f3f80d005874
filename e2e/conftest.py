"""Browser tests: a real server on a fresh SQLite database with the demo district, driven by
Playwright through Debian's chromium (no browser download). Screenshots land in e2e/artifacts/.

The server runs as `make demo` runs it, DEBUG off: the product's own error pages, static files
collected with the manifest storage and served by WhiteNoise."""

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "e2e" / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def server():
    var_dir = Path(tempfile.mkdtemp(prefix="meihao-e2e-"))
    env = {
        **os.environ,
        "MEIHAO_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'e2e.sqlite3'}",
        "SECRET_KEY": "e2e-only-secret-key-0123456789abcdefghijklmnop",
        "DEBUG": "false",
        # Texted codes go to a file the tests read (accounts.sms.FileSmsBackend).
        "SMS_BACKEND": "meihao.accounts.sms.FileSmsBackend",
        "SMS_FILE_PATH": str(var_dir / "sms.jsonl"),
        # A test registers and then logs in by code within the minute one number may get.
        "RATE_LIMITS": "sms_phone_resend=10/m",
        # Tests change the database behind the server's back (manage.py shell): the grid index
        # and the base map's outlines notice at the next request, not 10 s later.
        "SNAPSHOT_RECHECK_SECONDS": "0",
    }
    for name in ("REDIS_URL", "STATIC_MANIFEST", "STATIC_ROOT", "MEDIA_ROOT", "HTTPS"):
        env.pop(name, None)
    _manage(env, "migrate", "--no-input", "-v", "0")
    _manage(env, "collectstatic", "--no-input", "-v", "0")
    _manage(env, "seed_demo", *os.environ.get("E2E_SEED_ARGS", "--scale 0.05").split())
    accounts = json.loads(_manage(env, "demo_accounts", "--json"))
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = open(var_dir / "server.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2):  # noqa: S310
                break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError((var_dir / "server.log").read_text()) from None
            time.sleep(0.3)
    yield {"url": base_url, "accounts": accounts, "env": env, "var": var_dir}
    proc.terminate()
    proc.wait(timeout=10)
    log.close()
    shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}: apt-get install chromium fonts-noto-cjk")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(viewport=PHONE, locale="zh-CN", **options):
        context = browser.new_context(
            viewport=viewport, locale=locale, device_scale_factor=1, **options
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, server, role: str):
    account = server["accounts"][role]
    page.goto(server["url"] + "/accounts/login/")
    page.fill("input[name=username]", account["username"])
    page.fill("input[name=password]", account["password"])
    page.click("form [type=submit]")
    page.wait_for_load_state("networkidle")
    return account


def open_as(page, server, role: str, path: str, wait_for: str | None = None):
    """Log `page` in as the demo `role`, go to `path` and, when given, wait for the selector
    `wait_for`; returns the page."""
    log_in(page, server, role)
    page.goto(server["url"] + path)
    if wait_for is not None:
        page.wait_for_selector(wait_for)
    return page


def act_on_row(page, row: str, action: str, status: str) -> None:
    """Click the `action` button of the case row `row` (a board, queue or verify list) and wait
    until the row shows the case's new `status`."""
    page.click(f'{row} [data-action="{action}"]')
    page.wait_for_selector(f'{row}[data-status="{status}"]')


def fill_report_back(page, row: str, note: str, tmp_path) -> None:
    """Open the report-back form of the case row `row` and fill it with `note` and a photo."""
    page.click(f'{row} summary[data-action="report_back"]')
    page.fill(f"{row} textarea[name=note]", note)
    page.set_input_files(f"{row} input[name=photos]", str(photo_file(tmp_path)))


def run_shell(server, script: str) -> dict:
    """Run `script` with `manage.py shell` on the test server's database; returns the JSON
    object the script printed last."""
    return json.loads(_manage(server["env"], "shell", "-c", script).strip().splitlines()[-1])


GRID_CASE = """
import json
from meihao.cases.models import Case, CaseType
from meihao.cases.services import case_submit
from meihao.core.scoping import scopes_of
from meihao.people.models import User
from meihao.places.models import Place

worker = User.objects.get(phone="13900000002")
grid_path = next(s.place_path for s in scopes_of(worker) if s.role == "grid_worker")
grid = Place.objects.get(path=grid_path)
grid_type = CaseType.objects.get(code="GRID")
case = case_submit(
    actor=worker,
    case_type=grid_type,
    category=grid_type.categories.get(code=CATEGORY),
    description=DESCRIPTION,
    place=grid,
    lat=grid.centroid_lat,
    lon=grid.centroid_lon,
    channel=Case.Channel.GRID_PATROL,
)
print(json.dumps({"number": case.number}))
"""


def file_grid_case(server, *, category: str, description: str, then: str = "") -> str:
    """The demo grid worker files a grid case of `category` (a category code) at their grid's
    centre, through the case engine; returns its number. `then` runs after, with the new case
    as `case`."""
    script = f"CATEGORY = {category!r}\nDESCRIPTION = {description!r}\n" + GRID_CASE + then
    return run_shell(server, script)["number"]


def photo_file(tmp_path) -> Path:
    """A 640×480 JPEG photo in `tmp_path`, for a form's file input."""
    from PIL import Image

    path = tmp_path / "fixed.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 140, 90)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def horizontal_overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def qr_video(png_path, y4m_path, frames: int = 20) -> None:
    """A still picture as a YUV4MPEG2 video, what chromium's fake camera plays in a loop."""
    image = Image.open(png_path).convert("RGB")
    side = max(image.size) + 80  # a white quiet zone around the code, even dimensions
    side += side % 2
    canvas = Image.new("RGB", (side, side), "white")
    canvas.paste(image, ((side - image.width) // 2, (side - image.height) // 2))
    y, cb, cr = canvas.convert("YCbCr").split()
    half = (side // 2, side // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with open(y4m_path, "wb") as out:
        out.write(f"YUV4MPEG2 W{side} H{side} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)


def scan_with_the_camera(browser, server, cookies, video, name: str) -> None:
    """The volunteer's phone, logged in, its camera pointed at the screen: a browser whose fake
    camera plays `video`. The scan page decodes it and follows the code to the check-in."""
    camera_phone = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera_phone.new_context(viewport=PHONE, locale="zh-CN", permissions=["camera"])
        context.add_cookies(cookies)
        scanner = context.new_page()
        scanner.goto(server["url"] + "/activities/scan/")
        scanner.wait_for_selector("#my-attendance", timeout=15000)
        assert "签到" in scanner.inner_text("#my-attendance")
        shot(scanner, name)
    finally:
        camera_phone.close()
