"""Guazhi settings. Everything works with no configuration; environment variables tune it.

SQLite (WAL) is the embedded default; set DATABASE_URL=postgres://… for PostgreSQL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# Off unless a developer asks (`make dev`): with it on, a denied or missing page would show
# Django's English debug page listing every URL. The demo (`make run`) runs with it off.
DEBUG = envbool("GUAZHI_DEBUG", "false")
# A real deployment must set its own key.
SECRET_KEY = os.environ.get("GUAZHI_SECRET_KEY", "guazhi-insecure-development-key-change-me")
ALLOWED_HOSTS = [
    h for h in os.environ.get("GUAZHI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("GUAZHI_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "guazhi.accounts",
    "guazhi.audit",
    "guazhi.roster",
    "guazhi.ledger",
    "guazhi.projects",
    "guazhi.contacts",
    "guazhi.attendance",
    "guazhi.stats",
    "guazhi.jobs",
    "guazhi.writings",
    "guazhi.similarity",
    "guazhi.claimcheck",
    "guazhi.library",
    "guazhi.search",
    "guazhi.assessment",
    "guazhi.evaluation",
    "guazhi.matching",
    "guazhi.backup",
    "guazhi.drafts",
    "guazhi.peers",
    "guazhi.retention",
]

MIDDLEWARE = [
    # First, so that every response and every log line (a 500's too) carries the request id.
    "guazhi.lib.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are served before the login wall (they are public by nature).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CSP and no-store on every page; static files above never get here and stay cacheable.
    "guazhi.lib.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "guazhi.accounts.middleware.SessionPolicyMiddleware",
    # After the session policy (an idle session ends before any code prompt).
    "guazhi.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "guazhi.urls"
WSGI_APPLICATION = "guazhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guazhi.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATA_DIR = Path(os.environ.get("GUAZHI_DATA_DIR", BASE_DIR / "var"))
_default_db = f"sqlite:///{DATA_DIR / 'guazhi.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db))}
# var/ holds the SQLite file and collected static files; created on first start.
(DATA_DIR / "static").mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing
        # half-way with "database is locked"; WAL lets readers go on meanwhile.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and login security (等保2.0 三级 baseline) ------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "guazhi.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("GUAZHI_PASSWORD_MIN_LENGTH", 8)},
    },
    {
        "NAME": "guazhi.accounts.passwords.CharacterClassValidator",
        "OPTIONS": {"min_classes": envint("GUAZHI_PASSWORD_MIN_CLASSES", 3)},
    },
    {"NAME": "guazhi.accounts.passwords.PersonalInfoValidator"},
    {"NAME": "guazhi.accounts.passwords.CommonPasswordValidator"},
]

# Two-factor login (TOTP + recovery codes) for the IT admins and whoever sees unmasked personal
# data; `make deploy-check` insists it is on (docs/security.md).
GUAZHI_TWO_FACTOR_REQUIRED = envbool("GUAZHI_TWO_FACTOR_REQUIRED", "true")
OTP_TOTP_ISSUER = "挂职平台"

AXES_FAILURE_LIMIT = envint("GUAZHI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("GUAZHI_LOCKOUT_MINUTES", 30))
# Per username *and* address: an outsider cannot lock the admin out from elsewhere; plus a
# generous per-address limit against spraying (guazhi/accounts/lockout.py, docs/security.md).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "guazhi.accounts.lockout.LockoutHandler"
GUAZHI_LOGIN_ADDRESS_FAILURE_LIMIT = envint("GUAZHI_LOGIN_ADDRESS_FAILURE_LIMIT", 100)
# Reverse proxies (addresses or networks) whose X-Forwarded-For and X-Request-ID are believed;
# from anyone else the client address is REMOTE_ADDR.
GUAZHI_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("GUAZHI_TRUSTED_PROXIES", "").split(",") if p.strip()
]
AXES_CLIENT_IP_CALLABLE = "guazhi.lib.client_address.request_client_address"
# HSTS for subdomains and the browsers' preload list (security.W005, W021) do not fit a
# government intranet: other sites under the same parent domain may still be plain HTTP.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "security.W005", "security.W021"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "guazhi.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

SESSION_IDLE_SECONDS = envint("GUAZHI_SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_SECONDS = envint("GUAZHI_SESSION_ABSOLUTE_HOURS", 8) * 3600
# The middleware refreshes the session at most once a minute while the user is active (no
# write on every page view); the stored session outlives the idle limit by that minute.
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS + 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Served over HTTPS (GUAZHI_SECURE_COOKIES is the older name of the same switch).
GUAZHI_HTTPS = envbool("GUAZHI_HTTPS", os.environ.get("GUAZHI_SECURE_COOKIES", "false"))
SESSION_COOKIE_SECURE = GUAZHI_HTTPS
CSRF_COOKIE_SECURE = GUAZHI_HTTPS
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if GUAZHI_HTTPS else 0
if GUAZHI_HTTPS and GUAZHI_TRUSTED_PROXIES:
    # The proxy terminates TLS; only then is its X-Forwarded-Proto worth anything.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True  # nginx redirects too (deploy/nginx.conf); this covers a bypass
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "guazhi.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Uploads ----------------------------------------------------------------------------------
GUAZHI_MAX_UPLOAD_MB = envint("GUAZHI_MAX_UPLOAD_MB", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = (GUAZHI_MAX_UPLOAD_MB + 1) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# Ledger attachments live here and are served only through permission-checked views (no URL).
MEDIA_ROOT = DATA_DIR / "media"
GUAZHI_MAX_ATTACHMENT_MB = envint("GUAZHI_MAX_ATTACHMENT_MB", 10)
# Photos' EXIF GPS position is stripped before storing unless this is switched on.
GUAZHI_KEEP_PHOTO_GPS = envbool("GUAZHI_KEEP_PHOTO_GPS", "false")

# --- Audit chain and backups (docs/security.md, docs/backup.md) -------------------------------
# Keys live outside the database and the data directory: the value itself, or a file holding it.
GUAZHI_AUDIT_KEY = os.environ.get("GUAZHI_AUDIT_KEY", "")
GUAZHI_AUDIT_KEY_FILE = os.environ.get("GUAZHI_AUDIT_KEY_FILE", "")
# Where `verify_audit` exports the chain head: an append-only file on another volume, syslog
# (`/dev/log` or `host:port`), or both.
GUAZHI_AUDIT_HEAD_FILE = os.environ.get("GUAZHI_AUDIT_HEAD_FILE", "")
GUAZHI_AUDIT_SYSLOG = os.environ.get("GUAZHI_AUDIT_SYSLOG", "")
# Audit records older than this are pruned by `manage.py retention_run` (never below 184 days:
# 等保 keeps six months at least; a lower value stops the site at startup). docs/retention.md
GUAZHI_AUDIT_RETENTION_DAYS = envint("GUAZHI_AUDIT_RETENTION_DAYS", 365)
# Personal data of secondments that ended longer ago than this is anonymised (docs/retention.md).
GUAZHI_ANONYMISE_AFTER_DAYS = envint("GUAZHI_ANONYMISE_AFTER_DAYS", 3 * 365)
GUAZHI_BACKUP_KEY = os.environ.get("GUAZHI_BACKUP_KEY", "")
GUAZHI_BACKUP_KEY_FILE = os.environ.get("GUAZHI_BACKUP_KEY_FILE", "")
GUAZHI_BACKUP_DIR = Path(os.environ.get("GUAZHI_BACKUP_DIR", DATA_DIR / "backups"))
# ID and mobile numbers are encrypted at rest under this key (docs/security.md 「静态加密」); while
# `rotate_field_key` runs, the previous one in GUAZHI_FIELD_KEY_OLD(_FILE).
GUAZHI_FIELD_KEY = os.environ.get("GUAZHI_FIELD_KEY", "")
GUAZHI_FIELD_KEY_FILE = os.environ.get("GUAZHI_FIELD_KEY_FILE", "")
GUAZHI_FIELD_KEY_OLD = os.environ.get("GUAZHI_FIELD_KEY_OLD", "")
GUAZHI_FIELD_KEY_OLD_FILE = os.environ.get("GUAZHI_FIELD_KEY_OLD_FILE", "")

# --- Background jobs ----------------------------------------------------------------------------
# django-tasks with its database backend: the queue is a table, so the embedded default needs no
# broker. `make run` starts the worker (`manage.py db_worker`) beside the server. Tests run tasks
# at once in the calling thread (tests/conftest.py switches to the immediate backend).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("GUAZHI_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Result files of finished jobs (exports) live under MEDIA_ROOT/exports; `purge_jobs` deletes
# them after this many days.
GUAZHI_JOB_RETENTION_DAYS = envint("GUAZHI_JOB_RETENTION_DAYS", 7)
# A ledger export with more rows than this runs as a background job with a progress bar.
GUAZHI_EXPORT_SYNC_MAX_ROWS = envint("GUAZHI_EXPORT_SYNC_MAX_ROWS", 10_000)

# --- Originality check (查重) ----------------------------------------------------------------
# The fingerprint index of the programme's writings and the reference corpus (rebuilt from the
# database by `manage.py originality_index --rebuild`).
GUAZHI_ORIGINALITY_DIR = Path(os.environ.get("GUAZHI_ORIGINALITY_DIR", DATA_DIR / "originality"))
# Verdict colours by 去除引用和常用语后的复制比, in percent: below AMBER_FROM green, up to
# RED_ABOVE amber, above it red (docs/similarity.md).
GUAZHI_SIMILARITY_AMBER_FROM = envint("GUAZHI_SIMILARITY_AMBER_FROM", 15)
GUAZHI_SIMILARITY_RED_ABOVE = envint("GUAZHI_SIMILARITY_RED_ABOVE", 30)

# --- Democratic evaluation (民主测评) ---------------------------------------------------------
# Ballot codes are stored as HMAC digests under this key (derived from SECRET_KEY when unset);
# changing it makes every code issued so far unusable (docs/evaluation.md).
GUAZHI_EVALUATION_KEY = os.environ.get("GUAZHI_EVALUATION_KEY", "")
# No round may show a rater group's results with fewer ballots than this.
GUAZHI_EVALUATION_MIN_BALLOTS_FLOOR = envint("GUAZHI_EVALUATION_MIN_BALLOTS_FLOOR", 5)
# Wrong codes allowed per client address, and per round, in each window of minutes.
GUAZHI_EVALUATION_FAILURES_PER_ADDRESS = envint("GUAZHI_EVALUATION_FAILURES_PER_ADDRESS", 20)
GUAZHI_EVALUATION_FAILURES_PER_ROUND = envint("GUAZHI_EVALUATION_FAILURES_PER_ROUND", 100)
GUAZHI_EVALUATION_WINDOW_MINUTES = envint("GUAZHI_EVALUATION_WINDOW_MINUTES", 15)

# --- Term-summary drafts (docs/drafts.md) ---------------------------------------------------
# The department's own language model behind an OpenAI-compatible endpoint, for the optional
# 「润色措辞」 of a draft; off unless GUAZHI_LLM_URL is set (e.g. http://10.0.0.5:8000/v1).
GUAZHI_LLM_URL = os.environ.get("GUAZHI_LLM_URL", "")
GUAZHI_LLM_MODEL = os.environ.get("GUAZHI_LLM_MODEL", "")
GUAZHI_LLM_KEY = os.environ.get("GUAZHI_LLM_KEY", "")
GUAZHI_LLM_KEY_FILE = os.environ.get("GUAZHI_LLM_KEY_FILE", "")
GUAZHI_LLM_TIMEOUT = envint("GUAZHI_LLM_TIMEOUT", 60)

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# Our wording of Django's stock messages comes first (locale/zh_Hans/LC_MESSAGES/django.po).
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = os.environ.get("GUAZHI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from static/ when collectstatic has not run

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Every line carries the request id (shown on the 500 page as 错误编号), method, path, user id.
GUAZHI_LOG_DIR = Path(os.environ.get("GUAZHI_LOG_DIR", DATA_DIR / "log"))
GUAZHI_LOG_DIR.mkdir(parents=True, exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "guazhi.lib.request_id.RequestContextFilter"}},
    "formatters": {
        "request": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(method)s %(path)s "
            "user=%(user_id)s %(message)s"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": "request",
        },
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": GUAZHI_LOG_DIR / "guazhi.log",
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 10,
            "encoding": "utf-8",
            "delay": True,
            "filters": ["request"],
            "formatter": "request",
        },
    },
    "loggers": {
        "axes": {"handlers": ["console", "file"], "level": "WARNING"},
        # A server error is logged with its traceback (the user sees only the 500 page).
        "django.request": {"handlers": ["console", "file"], "level": "ERROR", "propagate": False},
    },
}

if envbool("GUAZHI_FAST_PASSWORD_HASHER", "false"):
    # Tests only: the default hasher costs ~0.3 s per login.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
