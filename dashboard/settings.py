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
    env_networks,
    env_root_path,
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
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "rollouts",
]

MIDDLEWARE = [
    "rollouts.api_errors.ApiErrorsMiddleware",  # first: it reshapes the others' errors too
    "rollouts.access.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "rollouts.headers.csp_header",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rollouts.probes.probe_paths",  # before the Host check (CommonMiddleware) and any sign-in
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, so that a cross-site API call gets the API's JSON 403.
    "rollouts.origins.origin_check",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rollouts.access.middleware.IdentityMiddleware",
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
                "rollouts.access.context.account",
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

# Serving under a path behind an ingress (upstream's --root-path): pages, API, websockets and
# static files all live under it, and nothing but a 404 outside it (dashboard/asgi.py).
ROLLOUTS_ROOT_PATH = env_root_path("ROLLOUTS_ROOT_PATH")
FORCE_SCRIPT_NAME = ROLLOUTS_ROOT_PATH or None
if ROLLOUTS_ROOT_PATH:
    CSRF_COOKIE_PATH = SESSION_COOKIE_PATH = f"{ROLLOUTS_ROOT_PATH}/"

STATIC_URL = f"{ROLLOUTS_ROOT_PATH}/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Set for deployments (the Dockerfile does, and runs `collectstatic`): files then come from
# there with hashed, compressed copies that browsers may cache for ever. Unset (`make run`,
# tests): straight from the finders, no collectstatic step needed.
STATIC_ROOT = env_str("STATIC_ROOT") or None
if STATIC_ROOT:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
# daphne serves no static files by itself; WhiteNoise does. Its prefix is matched against the
# path inside the root path.
WHITENOISE_USE_FINDERS = not STATIC_ROOT
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_STATIC_PREFIX = "/static/"

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

# --- Accounts and sign-in (see README, "Accounts and roles") -----------------------------
# local: accounts with passwords; oidc: single sign-on; proxy: a trusted reverse proxy's
# headers; none: nobody signs in and everyone gets ROLLOUTS_ANONYMOUS_ROLE.
ROLLOUTS_AUTH = env_choice("ROLLOUTS_AUTH", "local", ("local", "oidc", "proxy", "none"))
# What people who have not signed in may do (a role name), or `none`: they must sign in.
ROLLOUTS_ANONYMOUS_ROLE = env_str("ROLLOUTS_ANONYMOUS_ROLE", "none").strip() or "none"
# How often an open websocket checks that its user still may see what it shows (a session
# ended, a grant, token or the policy file changed): the socket is narrowed or closed then.
ROLLOUTS_ACCESS_RECHECK_SECONDS = env_float("ROLLOUTS_ACCESS_RECHECK_SECONDS", 3.0,
                                            minimum=0.1)
ROLLOUTS_SESSION_HOURS = env_float("ROLLOUTS_SESSION_HOURS", 12.0, minimum=0.01)
ROLLOUTS_TRUSTED_PROXIES = env_networks("ROLLOUTS_TRUSTED_PROXIES")
ROLLOUTS_PROXY_USER_HEADER = env_str("ROLLOUTS_PROXY_USER_HEADER", "X-Forwarded-User")
ROLLOUTS_PROXY_EMAIL_HEADER = env_str("ROLLOUTS_PROXY_EMAIL_HEADER", "X-Forwarded-Email")
ROLLOUTS_PROXY_GROUPS_HEADER = env_str("ROLLOUTS_PROXY_GROUPS_HEADER", "X-Forwarded-Groups")
# Failed sign-ins per user name and client address before sign-in is refused for a while.
ROLLOUTS_SIGNIN_ATTEMPTS = env_int("ROLLOUTS_SIGNIN_ATTEMPTS", 5, minimum=1)
ROLLOUTS_SIGNIN_LOCKOUT_SECONDS = env_int("ROLLOUTS_SIGNIN_LOCKOUT_SECONDS", 300, minimum=1)
ROLLOUTS_OIDC_ISSUER = env_str("ROLLOUTS_OIDC_ISSUER").strip()
ROLLOUTS_OIDC_GROUPS_CLAIM = env_str("ROLLOUTS_OIDC_GROUPS_CLAIM", "groups").strip() or "groups"
ROLLOUTS_OIDC_SCOPES = env_str("ROLLOUTS_OIDC_SCOPES", "openid email profile groups")
ROLLOUTS_SECURE_COOKIES = env_bool("ROLLOUTS_SECURE_COOKIES", False)

if ROLLOUTS_AUTH == "none" and ROLLOUTS_ANONYMOUS_ROLE == "none":
    raise ImproperlyConfigured(
        "ROLLOUTS_AUTH=none lets nobody sign in: set ROLLOUTS_ANONYMOUS_ROLE to the role "
        "everyone gets (viewer, operator, admin or a custom role)")
if ROLLOUTS_ANONYMOUS_ROLE not in ("none", "viewer", "operator", "admin") \
        and not ROLLOUTS_POLICY_FILE:
    raise ImproperlyConfigured(
        f"ROLLOUTS_ANONYMOUS_ROLE={ROLLOUTS_ANONYMOUS_ROLE!r} is not a built-in role (none, "
        "viewer, operator, admin) and no ROLLOUTS_POLICY_FILE could define it")
if ROLLOUTS_AUTH == "proxy" and not ROLLOUTS_TRUSTED_PROXIES:
    raise ImproperlyConfigured(
        "ROLLOUTS_AUTH=proxy needs ROLLOUTS_TRUSTED_PROXIES: the addresses (CIDRs) of the "
        "reverse proxies whose identity headers are believed")

# URL names, so that they follow ROLLOUTS_ROOT_PATH.
LOGIN_URL = "signin"
LOGIN_REDIRECT_URL = "rollouts:overview"
LOGOUT_REDIRECT_URL = "rollouts:overview"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
SESSION_COOKIE_AGE = int(ROLLOUTS_SESSION_HOURS * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = ROLLOUTS_SECURE_COOKIES
if ROLLOUTS_TRUSTED_PROXIES:
    # Believed only behind a proxy we trust; the middleware drops it from anyone else.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if ROLLOUTS_AUTH == "oidc":
    if not ROLLOUTS_OIDC_ISSUER:
        raise ImproperlyConfigured("ROLLOUTS_AUTH=oidc needs ROLLOUTS_OIDC_ISSUER (the provider's "
                                   "issuer URL, where /.well-known/openid-configuration is)")
    OIDC_RP_CLIENT_ID = env_str("ROLLOUTS_OIDC_CLIENT_ID").strip()
    if not OIDC_RP_CLIENT_ID:
        raise ImproperlyConfigured("ROLLOUTS_AUTH=oidc needs ROLLOUTS_OIDC_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env_secret("ROLLOUTS_OIDC_CLIENT_SECRET")
    AUTHENTICATION_BACKENDS = ["rollouts.access.oidc.Backend"]
    OIDC_USE_PKCE = True
    OIDC_RP_SCOPES = ROLLOUTS_OIDC_SCOPES
    OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the provider's logout
    OIDC_TIMEOUT = 10
    OIDC_AUTHENTICATE_CLASS = "rollouts.access.oidc.Authenticate"
    OIDC_CALLBACK_CLASS = "rollouts.access.oidc.Callback"

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

# --- Operations -------------------------------------------------------------------
# The watcher process's /metrics, /healthz and /readyz (web processes serve them with the
# pages). Loopback unless told otherwise: in a pod, 0.0.0.0 (deploy/ sets it). 0: no server.
ROLLOUTS_METRICS_HOST = env_str("ROLLOUTS_METRICS_HOST", "127.0.0.1")
ROLLOUTS_METRICS_PORT = env_int("ROLLOUTS_METRICS_PORT", 9102, minimum=0)
# text: human-readable lines; json: one object per line (dashboard/logformat.py).
LOG_FORMAT = env_choice("LOG_FORMAT", "text", ("text", "json"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
                   "json": {"()": "dashboard.logformat.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {"daphne": {"level": "WARNING"}, "django.channels.server": {"level": "WARNING"}},
}
