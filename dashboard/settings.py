"""Settings for the rollouts dashboard. Every knob is an environment variable (see README)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from dashboard.env import (
    env_bool,
    env_choice,
    env_database_url,
    env_float,
    env_int,
    env_list,
    env_name,
    env_secret,
    env_str,
    persistent_secret,
)

BASE_DIR = Path(__file__).resolve().parent.parent
STATE_DIR = Path(env_str("DASHBOARD_STATE_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# Without SECRET_KEY a random key is created once in the state directory, so a
# fresh checkout needs no configuration and restarts keep CSRF tokens valid.
SECRET_KEY = env_secret("SECRET_KEY") or persistent_secret(STATE_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# SecurityMiddleware sends HSTS only on HTTPS requests (behind a TLS proxy: daphne's
# --proxy-headers), so a year is safe on plain-HTTP set-ups too; 0 turns it off.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "rollouts",
]

MIDDLEWARE = [
    "rollouts.api_errors.ApiErrorsMiddleware",  # first: it reshapes the others' errors too
    "django.middleware.security.SecurityMiddleware",
    "rollouts.headers.csp_header",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, so that a cross-site API call gets the API's JSON 403.
    "rollouts.origins.origin_check",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in ("UserAttributeSimilarityValidator", "MinimumLengthValidator",
                 "CommonPasswordValidator", "NumericPasswordValidator")
]

# A plain form POST's outcome, shown once on the page it redirects to (rollouts/notices.py):
# a signed cookie, so no sessions and no database table are needed.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

ROOT_URLCONF = "dashboard.urls"
ASGI_APPLICATION = "dashboard.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csrf",
            ],
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env_str("DATABASE_PATH", str(STATE_DIR / "dashboard.sqlite3")),
        # The watcher writes from its own thread while requests read: WAL lets
        # readers proceed during a write, IMMEDIATE avoids upgrade deadlocks.
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        # A file, not :memory:, because tests run the watcher in other threads.
        "TEST": {"NAME": env_str("DATABASE_TEST_PATH", str(STATE_DIR / "test-dashboard.sqlite3"))},
    }
}
# DATABASE_URL (PostgreSQL) instead of the SQLite file: what web and watcher processes share.
_postgres = env_database_url("DATABASE_URL", pool_max=env_int("DATABASE_POOL_SIZE", 20, minimum=1))
if _postgres:
    DATABASES = {"default": _postgres}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 times socket reads out after 5 s by default, as long as the layer's
            # blocking BZPOPMIN waits: every idle consumer would crash. Longer than that wait.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                       "prefix": "rollouts"},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    # The live snapshots keep one rendered row per rollout here: room for thousands (the
    # default of 300 entries would evict rows of a 300-rollout cluster over and over).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": 20_000}}}

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Only for `collectstatic` deployments; by default files come from the finders.
STATIC_ROOT = env_str("STATIC_ROOT") or None
# daphne serves no static files by itself; WhiteNoise does, straight from the
# finders so that no collectstatic step is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = False

# --- The cluster -----------------------------------------------------------------
# Where the cluster is: a kubeconfig file (KUBECONFIG, the standard variable) and an
# optional context, or the in-cluster service account when neither is set.
KUBECONFIG = env_str("KUBECONFIG")
KUBE_CONTEXT = env_str("KUBE_CONTEXT")
# Every mirrored object is keyed by this name as well as namespace and name.
ROLLOUTS_CLUSTER_NAME = env_name("ROLLOUTS_CLUSTER_NAME", "default")
# Namespaces to watch; empty means all namespaces.
ROLLOUTS_NAMESPACES = env_list("ROLLOUTS_NAMESPACES")
# embedded: the watcher runs inside the web process; external: a separate
# `manage.py watch_rollouts` process does; off: nobody does (tests).
ROLLOUTS_WATCHER = env_choice("ROLLOUTS_WATCHER", "embedded", ("embedded", "external", "off"))
# "auto" discovers which Istio API version the cluster serves.
ROLLOUTS_ISTIO_VERSION = env_choice(
    "ROLLOUTS_ISTIO_VERSION", "auto", ("auto", "v1", "v1beta1", "v1alpha3")
)
ROLLOUTS_WATCH_TIMEOUT = env_int("ROLLOUTS_WATCH_TIMEOUT", 240, minimum=1)
ROLLOUTS_WATCH_INACTIVITY = env_float("ROLLOUTS_WATCH_INACTIVITY", 90.0, minimum=0.1)
ROLLOUTS_BATCH_SECONDS = env_float("ROLLOUTS_BATCH_SECONDS", 0.15, minimum=0.0)
ROLLOUTS_PROMOTE_FULL_WAIT = env_float("ROLLOUTS_PROMOTE_FULL_WAIT", 10.0, minimum=0.0)
ROLLOUTS_REQUEST_TIMEOUT = env_float("ROLLOUTS_REQUEST_TIMEOUT", 15.0, minimum=0.1)
# Grants and custom roles from a file (Argo CD's policy CSV); re-read when it changes.
ROLLOUTS_POLICY_FILE = env_str("ROLLOUTS_POLICY_FILE", "")
# How long an action keeps its rollout's turn after writing, waiting for the controller to react.
ROLLOUTS_ACTION_SETTLE_SECONDS = env_float("ROLLOUTS_ACTION_SETTLE_SECONDS", 3.0, minimum=0.0)
# How long after an action another one on the same rollout needs an `expect` to be accepted.
ROLLOUTS_ACTION_COOLDOWN = env_float("ROLLOUTS_ACTION_COOLDOWN", 2.0, minimum=0.0)

# Several `watch_rollouts` replicas elect one leader through a coordination.k8s.io Lease;
# client-go's timings by default. Namespace: ROLLOUTS_LEASE_NAMESPACE, else the pod's own.
ROLLOUTS_LEADER_ELECTION = env_bool("ROLLOUTS_LEADER_ELECTION", ROLLOUTS_WATCHER == "external")
ROLLOUTS_LEASE_NAME = env_name("ROLLOUTS_LEASE_NAME", "rollouts-dashboard-watcher")
ROLLOUTS_LEASE_NAMESPACE = env_str("ROLLOUTS_LEASE_NAMESPACE", "")
ROLLOUTS_LEASE_DURATION = env_float("ROLLOUTS_LEASE_DURATION", 15.0, minimum=1.0)
ROLLOUTS_LEASE_RENEW_DEADLINE = env_float("ROLLOUTS_LEASE_RENEW_DEADLINE", 10.0, minimum=0.5)
ROLLOUTS_LEASE_RETRY = env_float("ROLLOUTS_LEASE_RETRY", 2.0, minimum=0.1)
if not ROLLOUTS_LEASE_RETRY < ROLLOUTS_LEASE_RENEW_DEADLINE < ROLLOUTS_LEASE_DURATION:
    raise ImproperlyConfigured(
        "ROLLOUTS_LEASE_RETRY < ROLLOUTS_LEASE_RENEW_DEADLINE < ROLLOUTS_LEASE_DURATION must hold"
        " (a leader must give up before its lease can pass to another replica)"
    )

if ROLLOUTS_WATCHER == "external" and not REDIS_URL:
    raise ImproperlyConfigured(
        "ROLLOUTS_WATCHER=external needs REDIS_URL to reach the web processes"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {"daphne": {"level": "WARNING"}, "django.channels.server": {"level": "WARNING"}},
}
