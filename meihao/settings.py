"""Meihao settings: one module, configured by the environment, failing loudly on bad values."""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MEIHAO_VAR_DIR", BASE_DIR / "var"))
# The embedded database and job queue live here; SqliteHuey opens its file at start-up.
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the contents of the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true/false, 1/0, yes/no).")


def envint(name: str, default: int) -> int:
    value = env(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    value = env(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY and (VAR_DIR / "secret_key").is_file():
    # The random key `make` generates on this machine (mode 600, never in git).
    SECRET_KEY = (VAR_DIR / "secret_key").read_text(encoding="utf-8").strip()
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE); `make demo` generates one "
        "in var/secret_key."
    )
if not DEBUG and len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters when DEBUG is off.")

# Key for personal data encrypted at rest (ID-card numbers). Kept apart from SECRET_KEY so that
# the session secret can rotate without making stored ID numbers unreadable. When unset it is
# derived from SECRET_KEY, which is fine for a demo and documented as unsafe for production.
PII_KEY = env("PII_KEY") or ""

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Our apps first: for a message both we and Django translate ("Filter", "Name"), the
    # earlier app's catalogue wins, and ours speak the product's words (筛选, not 过滤器).
    "meihao.core",
    "meihao.places",
    "meihao.people",
    "meihao.accounts",
    "meihao.web",
    "meihao.cases",
    "meihao.patrols",
    "meihao.notify",
    "meihao.insights",
    "meihao.ledger",
    "meihao.activities",
    "meihao.volunteers",
    "meihao.dual",
    "meihao.rewards",
    "meihao.timebank",
    "meihao.wishes",
    "meihao.bulletins",
    "meihao.catalogue",
    "meihao.egov",
    "meihao.petitions",
    "meihao.ratings",
    "meihao.eldercare",
    "meihao.care",
    "meihao.legal",
    "meihao.police",
    "meihao.counselling",
    "meihao.supervision",
    "meihao.party",
    "meihao.projects",
    "meihao.frontage",
    "meihao.lectures",
    "meihao.redculture",
    "meihao.culture",
    "meihao.venues",
    "meihao.wall",
    "meihao.reports",
    "meihao.dashboards",
    "meihao.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "ninja",  # serves Swagger UI from our own static files: no CDN needed
    "huey.contrib.djhuey",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "meihao.core.inputs.InputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a log-in unless its view is opened (core.public_routes lists them).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "meihao.core.middleware.DomainErrorMiddleware",
    # Last, as axes asks: turns a locked-out log-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "meihao.urls"
WSGI_APPLICATION = "meihao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "meihao.web.context.navigation",
            ],
        },
    },
]

# Database: an SQLite file under var/ by default; PostgreSQL in production via DATABASE_URL.
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'meihao.sqlite3'}"
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))
except ValueError as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL={DATABASE_URL!r} is not a database URL: {exc}"
    ) from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # WAL lets the web server read while the worker writes; IMMEDIATE avoids the
        # "database is locked" upgrade deadlock between two writers.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
elif _db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must be sqlite:/// or postgres://.")
elif not envbool("DB_SYNCHRONOUS_COMMIT", True):
    # The tests' databases (meihao.testenv): a commit returns before its WAL reaches the disk.
    # A crash may lose the last commits, never corrupt anything; production keeps it on.
    _db.setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
DATABASES = {"default": _db}
# How stale a process's snapshot of reference data (grid polygons, the case catalogue) may get
# when the tables change around the services (or in another process while the cache is
# process-local); changes through the services apply at once (core.snapshot).
SNAPSHOT_RECHECK_SECONDS = envint("SNAPSHOT_RECHECK_SECONDS", 10)

# The ledger (points and time-bank minutes).
LEDGER_POINTS_PER_HOUR = envint("LEDGER_POINTS_PER_HOUR", 10)  # when no earning rule says
# Points expire at the end of their Nth year (3: earned in 2024, gone on 1 January 2027); 0 = never.
LEDGER_POINTS_EXPIRE_YEARS = envint("LEDGER_POINTS_EXPIRE_YEARS", 0)
TIMEBANK_ACCOUNT_CAP_HOURS = envint("TIMEBANK_ACCOUNT_CAP_HOURS", 1500)
# The time bank's "10-minute service circle": members this close to a help request hear of it.
TIMEBANK_CIRCLE_METRES = envint("TIMEBANK_CIRCLE_METRES", 800)
# Who pays a helper's minutes: "requester" (the elder's own minutes), "pool" (the community's
# pool) or "requester_then_pool" (the elder's minutes when they cover the whole visit, else the
# pool). Withdrawals are always paid by the member withdrawing.
TIMEBANK_PAYER = env("TIMEBANK_PAYER") or "requester_then_pool"
if TIMEBANK_PAYER not in ("requester", "pool", "requester_then_pool"):
    raise ImproperlyConfigured(
        f"TIMEBANK_PAYER={TIMEBANK_PAYER!r} must be requester, pool or requester_then_pool."
    )
# Micro-wishes published but not claimed for this many days are escalated (once).
WISH_UNCLAIMED_DAYS = envint("WISH_UNCLAIMED_DAYS", 7)
# A place or department with fewer grid-management cases filed in the period gets no A–E grade
# on the statistics page, but "too few cases" (a handful of cases says little about the work).
GRID_GRADE_MIN_CASES = envint("GRID_GRADE_MIN_CASES", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is optional: it switches the job queue and the cache from embedded to shared.
REDIS_URL = env("REDIS_URL") or ""
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} must start with redis:// or rediss://.")

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "meihao",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": envint("HUEY_WORKERS", 2), "worker_type": "thread"},
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "meihao.core.queue.SqliteHuey",
        "name": "meihao",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
        "consumer": {"workers": envint("HUEY_WORKERS", 2), "worker_type": "thread"},
    }
if envbool("HUEY_IMMEDIATE", False):
    HUEY["immediate"] = True

# Email (notifications): SMTP when EMAIL_HOST is set, else printed to the console in DEBUG.
EMAIL_HOST = env("EMAIL_HOST") or ""
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL") or "meihao@localhost"
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# SMS (accounts.sms): the one-time codes of self-registration, code log-in and password reset.
# SMS_BACKEND is a dotted class path, like EMAIL_BACKEND: the HTTP gateway adapter when
# SMS_HTTP_URL is set, else the log; the demo and the browser tests write a file instead.
SMS_HTTP_URL = env("SMS_HTTP_URL") or ""
SMS_HTTP_KEY = env("SMS_HTTP_KEY") or ""
SMS_HTTP_TIMEOUT = envint("SMS_HTTP_TIMEOUT", 10)
if SMS_HTTP_URL and not SMS_HTTP_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SMS_HTTP_URL={SMS_HTTP_URL!r} must start with http(s)://.")
SMS_BACKEND = env("SMS_BACKEND") or (
    "meihao.accounts.sms.HttpSmsBackend"
    if SMS_HTTP_URL
    else "meihao.accounts.sms.ConsoleSmsBackend"
)
if SMS_BACKEND == "meihao.accounts.sms.HttpSmsBackend" and not SMS_HTTP_URL:
    raise ImproperlyConfigured("SMS_BACKEND is the HTTP gateway adapter: set SMS_HTTP_URL.")
SMS_FILE_PATH = Path(env("SMS_FILE_PATH") or VAR_DIR / "sms.jsonl")
# A code is valid this many minutes, and dies after this many wrong tries.
SMS_CODE_TTL_MINUTES = envint("SMS_CODE_TTL_MINUTES", 5)
SMS_CODE_MAX_ATTEMPTS = envint("SMS_CODE_MAX_ATTEMPTS", 5)
# The public address of this installation, for absolute links in WeCom messages and email.
NOTIFY_BASE_URL = (env("NOTIFY_BASE_URL") or "").rstrip("/")
if NOTIFY_BASE_URL and not NOTIFY_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"NOTIFY_BASE_URL={NOTIFY_BASE_URL!r} must start with http(s)://.")

# How long the events of a digested kind (the dispatchers' new cases) gather before one message
# lists them (notify.digests).
NOTIFY_DIGEST_MINUTES = envint("NOTIFY_DIGEST_MINUTES", 15)

AUTH_USER_MODEL = "people.User"
# Axes first: it refuses a locked-out log-in before the password is checked.
AUTHENTICATION_BACKENDS = [
    "meihao.core.throttle.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Log-in lockout (django-axes): this many failures for one mobile number from one address lock
# that pair for the cool-off; a success clears the count.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The log-in forms' field (ours and the admin's) is "username", though the model's is "phone".
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "meihao.web.forms.login_username"
AXES_CLIENT_IP_CALLABLE = "meihao.core.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "meihao.core.throttle.login_locked_out"
AXES_VERBOSE = False
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env("LANGUAGE_CODE") or "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE={LANGUAGE_CODE!r} must be one of zh-hans, en.")
TIME_ZONE = env("TIME_ZONE") or "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT") or VAR_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Front-end libraries come from the npm registry; `make assets` copies the files we serve into
# meihao/web/static/vendor/ (not in git).
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if not envbool("STATIC_MANIFEST", not DEBUG)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "media/"

# How many proxies in front of the application append to X-Forwarded-For (nginx: 1). The
# client's address, which rate limits and the log-in lockout count by, is the one the outermost
# trusted proxy saw; with 0 the header is ignored (anyone can write it).
TRUSTED_PROXIES = envint("TRUSTED_PROXIES", 0)

# Rate limits (core.throttle): name → attempts per window, e.g. "30/10m". Override any of them
# with RATE_LIMITS="api=600/m,certificate_check=20/h".
DEFAULT_RATE_LIMITS = {
    "api": "300/m",  # each user (token or session) on the JSON API
    "open311_post": "30/h",  # each client address filing Open311 requests
    "certificate_check": "30/10m",  # each address on the certificate verification page
    "document_check": "30/10m",  # each address on the electronic documents' verify page
    "petition_track": "30/10m",  # each address following petitions by their query codes
    "checkin_code": "10/10m",  # each user typing an activity's check-in code
    "pass_code": "60/10m",  # each merchant user looking up customers' pass codes
    "sms_phone": "5/h",  # SMS codes sent to each mobile number
    "sms_phone_resend": "1/m",  # … and at most one a minute
    "sms_ip": "20/h",  # SMS codes requested from each client address
    "sms_verify": "30/10m",  # SMS codes tried from each client address (guessing)
    "wall_screen": "120/m",  # each address opening or polling wall screens (display tokens)
}
RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _rate(name: str, text: str) -> tuple[int, int]:
    found = re.fullmatch(r"(\d+)/(\d*)([smhd])", text.strip())
    if not found or int(found[1]) < 1 or found[2] == "0":
        raise ImproperlyConfigured(
            f"RATE_LIMITS: {name}={text!r} is not attempts/period (e.g. 30/10m; s, m, h, d)."
        )
    return int(found[1]), int(found[2] or 1) * RATE_PERIODS[found[3]]


_rate_texts = dict(DEFAULT_RATE_LIMITS)
for _item in envlist("RATE_LIMITS", []):
    _name, _sep, _text = (part.strip() for part in _item.partition("="))
    if _name not in DEFAULT_RATE_LIMITS:
        _known = ", ".join(DEFAULT_RATE_LIMITS)
        raise ImproperlyConfigured(f"RATE_LIMITS: unknown limit {_name!r}; known: {_known}.")
    _rate_texts[_name] = _text
RATE_LIMITS = {name: _rate(name, text) for name, text in _rate_texts.items()}

# Served over TLS, which a proxy (nginx) terminates: it must set X-Forwarded-Proto (and strip
# a client's own), since Django believes that header about the scheme.
HTTPS = envbool("HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG and HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # A load balancer's health probe may come over plain HTTP straight to gunicorn.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # Browsers then refuse plain HTTP to this host (and its subdomains) for this long; start
    # lower (300) when first turning it on, as a mistake is remembered for the whole period.
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Maps (places.tiles, places.basemap): every map draws the district's own streets, communities,
# grids, buildings and venues, so it works with no tile server. PLACES_TILE_URL adds a tile
# service underneath (Leaflet's template: {z}/{x}/{y}, {s} for a subdomain), e.g. 天地图
# https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec
# &STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY with
# PLACES_TILE_SUBDOMAINS=01234567; PLACES_TILE_CRS=gcj02 for a service drawn in GCJ-02.
try:
    from meihao.places.tiles import TileSettingError, tile_service

    PLACES_TILES = tile_service(
        env("PLACES_TILE_URL") or "",
        attribution=env("PLACES_TILE_ATTRIBUTION") or "",
        subdomains=env("PLACES_TILE_SUBDOMAINS") or "",
        crs=env("PLACES_TILE_CRS") or "",
        max_zoom=envint("PLACES_TILE_MAX_ZOOM", 18),
    )
except TileSettingError as exc:
    raise ImproperlyConfigured(str(exc)) from exc

# Content-Security-Policy (django-csp): scripts only from our own static files, so that text
# that slips into a page unescaped cannot run. Templates carry no inline <script> and no
# on<event>= attribute (web/tests/test_csp.py walks them); behaviour is declared with data
# attributes (web/static/web/meihao.js) and data travels in json_script blocks.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Leaflet and ECharts place and size their layers with style attributes, Bootstrap's
        # components too, and some templates use them; a style cannot run code.
        "style-src": [SELF, UNSAFE_INLINE],
        # data: for Bootstrap's icons inside form controls and the close button (SVG in its
        # CSS); blob: for the report form's previews of the photos just taken.
        # And the tile service's hosts, when one is configured (PLACES_TILES below).
        "img-src": [SELF, "data:", "blob:", *PLACES_TILES.origins],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Volunteer star levels (volunteers.stars): cumulative service hours for one, two, … stars,
# e.g. VOLUNTEER_STAR_HOURS=100,300,600,1000,1500 (the default).
try:
    VOLUNTEER_STAR_HOURS = tuple(
        int(h) for h in envlist("VOLUNTEER_STAR_HOURS", ["100", "300", "600", "1000", "1500"])
    )
except ValueError as exc:
    raise ImproperlyConfigured("VOLUNTEER_STAR_HOURS must be whole hours, e.g. 100,300") from exc

# The service catalogue (catalogue.services.community_may_issue), after 民发〔2020〕20号:
# the certificates a residents' committee may never issue (Certificate codes; the twenty it
# lists by default), and the certificates a community may issue, by item name, as the
# district publishes its list (基层群众性自治组织出具证明事项清单), comma-separated.
CATALOGUE_COMMUNITY_FORBIDDEN_CERTIFICATES = frozenset(
    envlist(
        "CATALOGUE_COMMUNITY_FORBIDDEN_CERTIFICATES",
        ["kinship", "identity", "hukou_change", "dog", "no_criminal", "rehab", "missing",
         "marital", "birth", "alive", "death", "illness", "disability", "childbirth",
         "employment", "archive", "property", "inheritance", "business_address", "lost"],
    )
)  # fmt: skip
CATALOGUE_COMMUNITY_CERTIFICATE_WHITELIST = frozenset(
    envlist("CATALOGUE_COMMUNITY_CERTIFICATE_WHITELIST", ["志愿服务记录证明"])
)
# How long an application's public notice (公示) runs, in calendar days (低保: 7).
EGOV_PUBLICITY_DAYS = envint("EGOV_PUBLICITY_DAYS", 7)
# 好差评: the working days a body has to rectify a 差评, and the days after closing before a
# service not yet rated sends its requester an invitation to rate it.
RATING_RECTIFY_DAYS = envint("RATING_RECTIFY_DAYS", 5)
RATING_INVITE_AFTER_DAYS = envint("RATING_INVITE_AFTER_DAYS", 3)
# 探访关爱: every how many days an elder of 80 or more living alone is visited.
ELDER_VISIT_DAYS = envint("ELDER_VISIT_DAYS", 7)
# Home-care orders: how far from the elder an offered provider may be, how many of the nearest
# are offered an order, and how far ahead an order may be placed.
CARE_PROVIDER_REACH_METRES = envint("CARE_PROVIDER_REACH_METRES", 5000)
CARE_OFFERED_PROVIDERS = envint("CARE_OFFERED_PROVIDERS", 5)
CARE_ORDER_AHEAD_DAYS = envint("CARE_ORDER_AHEAD_DAYS", 30)
# 一社区一法律顾问: the hours of service a legal advisor owes each community a month, and how many
# days before the month's end those short of them are reminded.
LEGAL_ADVISOR_MONTHLY_HOURS = envint("LEGAL_ADVISOR_MONTHLY_HOURS", 5)
# 宣讲点单: an order not delivered after this many weeks is flagged to its street.
LECTURE_ORDER_WAIT_WEEKS = envint("LECTURE_ORDER_WAIT_WEEKS", 4)
LEGAL_REMIND_DAYS_BEFORE_MONTH_END = envint("LEGAL_REMIND_DAYS_BEFORE_MONTH_END", 7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL") or "INFO"},
    # axes logs every log-in at INFO; its warnings (failures, lockouts) are the ones to keep.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
