"""Settings come from the environment, with working development defaults.

Outside DEBUG a missing or placeholder SECRET_KEY stops start-up: a deployed instance must never
run with the development key.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from miconsulado.notifications.email_url import email_settings
from miconsulado.notifications.sms import check_settings as check_sms_settings

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("MICONSULADO_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


DEBUG = env_bool("MICONSULADO_DEBUG", False)
DEV_SECRET_KEY = "dev-only-insecure-key-change-me"  # noqa: S105
SECRET_KEY = os.environ.get("MICONSULADO_SECRET_KEY", DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or "change-me" in SECRET_KEY):
    raise ImproperlyConfigured(
        "MICONSULADO_SECRET_KEY must be set to a long random value when MICONSULADO_DEBUG is off."
    )

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("MICONSULADO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("MICONSULADO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "miconsulado.core",
    "miconsulado.accounts",
    "miconsulado.catalog",
    "miconsulado.scheduling",
    "miconsulado.booking",
    "miconsulado.waitlist",
    "miconsulado.notifications",
    "miconsulado.callcenter",
    "miconsulado.portal",
    "miconsulado.wiring",
]

MIDDLEWARE = [
    "miconsulado.core.logs.AccessLogMiddleware",  # first: it sees every answer, even other middleware's
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # the Content-Security-Policy header on every page
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "miconsulado.wiring.api.middleware.ApiHostMiddleware",  # before the first get_host() (CommonMiddleware)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "miconsulado.wiring.api.middleware.ApiEdgeMiddleware",  # after LocaleMiddleware: errors in the caller's language
    "axes.middleware.AxesMiddleware",  # last, as axes asks: turns a refused login into the lockout page
]

ROOT_URLCONF = "miconsulado.urls"
WSGI_APPLICATION = "miconsulado.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# PostgreSQL in production (DATABASE_URL); an SQLite file otherwise, so a fresh clone runs with
# nothing installed. SQLite transactions start IMMEDIATE: a booking takes the write lock when it
# begins instead of failing on lock upgrade, and WAL lets readers go on meanwhile.
SQLITE_PATH = VAR_DIR / "miconsulado.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        # Kept connections are health-checked before each request's first query; on PostgreSQL the
        # check reads the socket instead of sending SELECT 1 (core/postgresql/base.py).
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("MICONSULADO_CONN_MAX_AGE", 60),
            conn_health_checks=env_bool("MICONSULADO_CONN_HEALTH_CHECKS", True),
        )
    }
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"]["ENGINE"] = "miconsulado.core.postgresql"
        # Parameters travel apart from the SQL, and psycopg prepares a statement on a connection
        # once it has run that many times (Django's default, None, never prepares): PostgreSQL then
        # skips parsing and planning the few statements every booking runs (see
        # docs/decisions/0004-one-statement-booking.md). 0 turns it off (e.g. behind a pooler that
        # cannot keep prepared statements).
        prepare_threshold = env_int("MICONSULADO_PREPARE_THRESHOLD", 5)
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=prepare_threshold if prepare_threshold > 0 else None
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
                ),
            },
            # A file, not ":memory:", so that concurrency tests run on real SQLite locking.
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "MICONSULADO_TASKS_BACKEND", "miconsulado.core.task_backend.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# --- E-mail (notifications) ------------------------------------------------------------------
# MICONSULADO_EMAIL_URL chooses the transport (notifications/email_url.py): smtp://, smtp+tls://
# (STARTTLS), smtps:// (TLS) or file://PATH (one .eml per message). Under DEBUG the default is
# files under var/mail/, so a newcomer can open what was sent; otherwise an SMTP server on localhost.
EMAIL_URL = os.environ.get(
    "MICONSULADO_EMAIL_URL", f"file://{VAR_DIR / 'mail'}" if DEBUG else "smtp://localhost:25"
)
_email = email_settings(EMAIL_URL, base_dir=PROJECT_DIR)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _email.get("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("MICONSULADO_EMAIL_FROM", "Mi Consulado <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_REPLY_TO = [a.strip() for a in os.environ.get("MICONSULADO_EMAIL_REPLY_TO", "").split(",") if a.strip()]

# --- SMS (notifications) -----------------------------------------------------------------------
# MICONSULADO_SMS_BACKEND chooses the transport (notifications/sms.py): twilio, file (one text file
# per message under var/sms/), memory (tests) or off (no SMS rows are written). By default: Twilio
# when TWILIO_ACCOUNT_SID is set, else files under DEBUG, else off. A Twilio configuration missing
# its token or sender stops start-up. MICONSULADO_PUBLIC_URL is where the public reaches this site
# (https://citas.example.org, no trailing slash): the links in SMS and Twilio's status callbacks.
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
# The token signs Twilio's requests to us (SMS status reports, voice webhooks) and our REST calls.
# Under DEBUG, unset, a demo token signs webhooks (`make run` prints it, so that a newcomer can sign
# calls); outside DEBUG, unset, every webhook is refused with 403 and `check` warns.
DEMO_TWILIO_AUTH_TOKEN = "demo-twilio-auth-token"  # noqa: S105
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "") or (DEMO_TWILIO_AUTH_TOKEN if DEBUG else "")
SMS_FROM = os.environ.get("MICONSULADO_SMS_FROM", "")
SMS_BACKEND = os.environ.get("MICONSULADO_SMS_BACKEND", "").strip().lower() or (
    "twilio" if TWILIO_ACCOUNT_SID else "file" if DEBUG else "off"
)
SMS_FILE_PATH = os.environ.get("MICONSULADO_SMS_DIR", str(VAR_DIR / "sms"))
PUBLIC_URL = os.environ.get("MICONSULADO_PUBLIC_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
check_sms_settings(
    backend=SMS_BACKEND,
    account_sid=TWILIO_ACCOUNT_SID,
    auth_token=os.environ.get("TWILIO_AUTH_TOKEN", ""),  # the REST calls need the real one
    sender=SMS_FROM,
)

# --- Login throttling (django-axes) -----------------------------------------------------------
# Each wrong password costs ~0.7 s of hashing and guesses would be unlimited: after
# LOGIN_FAILURE_LIMIT failures of one username from one address, that pair is refused for the
# cool-off, before any password is hashed (axes' backend comes first), with a 429 and a page in the
# caller's language (accounts/lockout.py). A pair, so that a guesser can lock neither the user out
# from elsewhere nor the office that shares the guesser's address. Staff unlock in the admin
# ("Access attempts") or with `miconsulado axes_reset`. The API's bearer tokens never go through
# authenticate() and are not counted.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("MICONSULADO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("MICONSULADO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The cool-off counts from the lock-out: attempts while locked neither extend it nor cost a hash.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "miconsulado.core.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "miconsulado.accounts.lockout.lockout_response"
AXES_VERBOSE = False  # no banner at every process start
# Its warnings name the address; a username may be a password typed in the wrong field.
AXES_SENSITIVE_PARAMETERS = ["username"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages: Spanish first, English second ------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Español")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
# Project-wide assets (vendored htmx, styles) live here once pages need them; apps keep their own.
STATICFILES_DIRS = [d for d in [PACKAGE_DIR / "static"] if d.is_dir()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("MICONSULADO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # HSTS only where cookies are secure: a browser told once keeps to HTTPS for the whole time, and
    # `make run-prod` serves plain HTTP on this machine (it turns secure cookies off).
    SECURE_HSTS_SECONDS = env_int("MICONSULADO_HSTS_SECONDS", 31536000) if SESSION_COOKIE_SECURE else 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False  # the domain's other hosts are not ours to bind
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # a confirmation code in a URL never leaves the site
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): scripts, styles, images and forms from this site only, no
# inline script or style, never framed. Pages load the vendored htmx and site.css from /static/.
# The API's Swagger page (django-ninja's own page, staff and developers) is left out: its bundle
# sets inline styles.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ("/api/v1/docs",),
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

# --- Behind the reverse proxy (deploy/nginx.conf.template) ----------------------------------
# Only then are X-Forwarded-* headers believed: nginx replaces Host, X-Forwarded-Host,
# X-Forwarded-Proto and X-Forwarded-For (the one address it was connected from) with its own, so
# the client's address is X-Forwarded-For's last (only) entry; REMOTE_ADDR is empty (granian on a
# unix socket). Without the proxy these headers come from the client and are ignored.
BEHIND_PROXY = env_bool("MICONSULADO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

LOG_LEVEL = os.environ.get("MICONSULADO_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Escaping: no client can forge or colour a line (core/logs.py).
    "formatters": {
        "plain": {
            "()": "miconsulado.core.logs.EscapingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Without its default handlers: under DEBUG one printed every django.* record a second
        # time, bare and unescaped; the records still reach the console handler through the root.
        "django": {"handlers": []},
        # Django logs every 4xx as a warning. A full slot or a mistyped CURP is the product working
        # (the access log has them all); in a rush thousands of such lines a second would bury real
        # errors and cost the CPU the bookings need. 5xx are still logged.
        "django.request": {"level": os.environ.get("MICONSULADO_REQUEST_LOG_LEVEL", "ERROR")},
        # One line per request (core/logs.py AccessLogMiddleware), at INFO: off when the log level
        # is WARNING (as the bench runs) or with MICONSULADO_ACCESS_LOG_LEVEL=WARNING (say, behind
        # a proxy that keeps its own access log).
        "miconsulado.access": {"level": os.environ.get("MICONSULADO_ACCESS_LOG_LEVEL", LOG_LEVEL)},
        # axes: the failures and lock-outs (warnings), not its INFO chatter on every attempt.
        "axes": {"level": "WARNING"},
    },
}


# --- Domain settings (the same for every office; each office's own rules are in scheduling) ----
def env_hours(name: str, default: str) -> list[int]:
    """'72,24' -> [72, 24]: whole positive hours, largest first, no repeats; '' -> none."""
    raw = os.environ.get(name, default)
    try:
        hours = sorted({int(part) for part in raw.split(",") if part.strip()}, reverse=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be whole hours separated by commas, not {raw!r}") from exc
    if any(h <= 0 for h in hours):
        raise ImproperlyConfigured(f"{name} must list positive hours, not {raw!r}")
    return hours


MICONSULADO: dict[str, Any] = {
    "HOLD_TTL_SECONDS": env_int("MICONSULADO_HOLD_TTL_SECONDS", 600),
    # Availability answers are cached this long under the office's version, which every change to
    # its slots bumps in the database (shared by all processes): a change shows at once on every
    # worker. 0 disables the cache.
    "AVAILABILITY_CACHE_SECONDS": env_int("MICONSULADO_AVAILABILITY_CACHE_SECONDS", 2),
    # Offices, procedures and windows are kept in each process this long (core/snapshot.py): a
    # change made elsewhere shows within that time. 0 reads them from the database for every lookup.
    "CATALOG_CACHE_SECONDS": env_int("MICONSULADO_CATALOG_CACHE_SECONDS", 30),
    # PostgreSQL: a booking is first tried as one statement (booking/one_statement.py); off, every
    # booking takes the general path, as on SQLite.
    "ONE_STATEMENT_BOOKING": env_bool("MICONSULADO_ONE_STATEMENT_BOOKING", True),
    # Requests come through our nginx: the client's address is X-Forwarded-For's last entry, not
    # REMOTE_ADDR (empty on granian's unix socket).
    "BEHIND_PROXY": BEHIND_PROXY,
    # Notifications' outbox (notifications/tasks.py): a message that fails for a passing reason is
    # tried again after 1, 2, 4 … times the first delay (at most an hour apart), up to the limit;
    # one left in "sending" longer than the timeout (its worker died) is sent again by the sweep.
    "MESSAGE_MAX_ATTEMPTS": env_int("MICONSULADO_MESSAGE_MAX_ATTEMPTS", 8),
    "MESSAGE_RETRY_SECONDS": env_int("MICONSULADO_MESSAGE_RETRY_SECONDS", 60),
    "MESSAGE_SENDING_TIMEOUT_SECONDS": env_int("MICONSULADO_MESSAGE_SENDING_TIMEOUT_SECONDS", 600),
    # An event's delivery task (core/events.py) RUNNING longer than this lost its worker: the sweep
    # puts it back in the queue. Deliveries take well under a second.
    "EVENT_DELIVERY_TIMEOUT_SECONDS": env_int("MICONSULADO_EVENT_DELIVERY_TIMEOUT_SECONDS", 600),
    # Reminders by e-mail, these many hours before a confirmed appointment (notifications/reminders.py).
    "REMINDER_HOURS": env_hours("MICONSULADO_REMINDER_HOURS", "72,24"),
    # How long a waitlist offer holds its place for the person it is offered to (never past the
    # office's booking lead time before the appointment); then it goes to the next person.
    "WAITLIST_OFFER_HOURS": env_int("MICONSULADO_WAITLIST_OFFER_HOURS", 2),
    # The phone line's zone: its hours (Mon–Fri 08–21, weekends and holidays 09–18) are read in it.
    "CALL_CENTER_TZ": os.environ.get("MICONSULADO_CALL_CENTER_TZ", "America/Los_Angeles"),
    # Verification of a hold's contact (booking/verification.py): a 6-digit code lives this long and
    # dies after this many wrong attempts; a hold gets at most VERIFICATION_MAX_SENDS codes, one per
    # VERIFICATION_RESEND_SECONDS at most.
    "VERIFICATION_CODE_TTL_SECONDS": env_int("MICONSULADO_VERIFICATION_CODE_TTL_SECONDS", 600),
    "VERIFICATION_MAX_ATTEMPTS": env_int("MICONSULADO_VERIFICATION_MAX_ATTEMPTS", 5),
    "VERIFICATION_RESEND_SECONDS": env_int("MICONSULADO_VERIFICATION_RESEND_SECONDS", 60),
    "VERIFICATION_MAX_SENDS": env_int("MICONSULADO_VERIFICATION_MAX_SENDS", 5),
    # Booking in one step without a token (POST /api/v1/appointments). Off, an anonymous caller is
    # told to hold, verify its contact with a code and confirm (403 anonymous_one_step_booking_off);
    # tokens (agents, staff) still book in one step.
    "ANONYMOUS_ONE_STEP_BOOKING": env_bool("MICONSULADO_ANONYMOUS_ONE_STEP_BOOKING", True),
    # The call queue (callcenter/queue.py, docs/decisions/0012-call-queue.md): a waiting caller hears
    # the position and the estimate every QUEUE_ANNOUNCE_SECONDS; an agent offered a call has
    # AGENT_ACCEPT_SECONDS to accept it (else the agent goes to AGENT_MISSED_OFFER_STATE, break or
    # offline, and the call back to the head); wrap-up lasts WRAP_UP_SECONDS; a call whose language
    # no agent has signed in with goes to any agent after OVERFLOW_SECONDS; a callback is offered when
    # the estimate passes CALLBACK_OFFER_SECONDS and retried CALLBACK_RETRIES more times
    # CALLBACK_RETRY_SECONDS apart; DEFAULT_HANDLE_SECONDS stands for the handle time until calls
    # have been answered.
    "QUEUE_ANNOUNCE_SECONDS": env_int("MICONSULADO_QUEUE_ANNOUNCE_SECONDS", 30),
    "AGENT_ACCEPT_SECONDS": env_int("MICONSULADO_AGENT_ACCEPT_SECONDS", 15),
    "AGENT_MISSED_OFFER_STATE": os.environ.get("MICONSULADO_AGENT_MISSED_OFFER_STATE", "break"),
    "WRAP_UP_SECONDS": env_int("MICONSULADO_WRAP_UP_SECONDS", 60),
    "OVERFLOW_SECONDS": env_int("MICONSULADO_OVERFLOW_SECONDS", 120),
    "CALLBACK_OFFER_SECONDS": env_int("MICONSULADO_CALLBACK_OFFER_SECONDS", 300),
    "CALLBACK_RETRIES": env_int("MICONSULADO_CALLBACK_RETRIES", 2),
    "CALLBACK_RETRY_SECONDS": env_int("MICONSULADO_CALLBACK_RETRY_SECONDS", 300),
    "DEFAULT_HANDLE_SECONDS": env_int("MICONSULADO_DEFAULT_HANDLE_SECONDS", 300),
    # Outbound calls (connecting a caller to an agent, callbacks): "twilio" (REST, TWILIO_ACCOUNT_SID
    # and TWILIO_AUTH_TOKEN) or "fake" (in memory: tests and the demo). Default: twilio when an
    # account is set.
    "VOICE_PROVIDER": os.environ.get("MICONSULADO_VOICE_PROVIDER", "").strip().lower()
    or ("twilio" if TWILIO_ACCOUNT_SID else "fake"),
}
