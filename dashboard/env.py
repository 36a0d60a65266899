"""Typed readers for settings that come from environment variables.

Each reader fails loudly with ImproperlyConfigured on a malformed value: a typo in
a deployment manifest should stop the process at start-up, not change behaviour.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


_URL_PATH = re.compile(r"^(/[A-Za-z0-9._~-]+)+$")


def env_root_path(name: str) -> str:
    """A URL path prefix like `/rollouts` ("" for none); a trailing slash is dropped."""
    value = os.environ.get(name, "").strip().rstrip("/")
    if value and not _URL_PATH.match(value):
        raise ImproperlyConfigured(
            f"{name} must be a path such as /rollouts (letters, digits, '.', '_', '~', '-' "
            f"between slashes), got {os.environ.get(name)!r}"
        )
    return value


_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def env_name(name: str, default: str) -> str:
    """A DNS-label-like name (it ends up in URLs, group names and DOM ids)."""
    value = os.environ.get(name, default).strip()
    if not _DNS_LABEL.match(value):
        raise ImproperlyConfigured(
            f"{name} must be lower-case letters, digits and '-', at most 63, got {value!r}"
        )
    return value


def env_secret(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (for mounted secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc}") from None
    return os.environ.get(name, default)


def persistent_secret(path: Path) -> str:
    """A random secret stored at `path`, created on first use."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(50)
        path.write_text(secret, encoding="utf-8")
        path.chmod(0o600)
        return secret


def env_networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """A comma-separated list of CIDRs (`10.0.0.0/8, ::1/128`); a bare address is a /32 or /128."""
    networks = []
    for item in env_list(name):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {item!r} is not an address or a CIDR "
                                       "such as 10.0.0.0/8") from None
    return tuple(networks)


_DB_SCHEMES = {"postgres", "postgresql"}


def env_database_url(name: str, *, pool_max: int = 20) -> dict | None:
    """A Django DATABASES entry from a `postgres://user:pass@host:port/db` URL, None when unset.

    Connections come from psycopg's pool, not CONN_MAX_AGE: under ASGI every sync_to_async call
    may run on another thread, and a persistent connection per thread is never reused by the
    next request, only leaked; a pool hands connections back at the end of each request.
    """
    raw = env_secret(name).strip()  # NAME_FILE too: the URL carries a password
    if not raw:
        return None
    parts = urlsplit(raw)
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name}: the port is not a number in {_hide(raw)}") from None
    database = unquote(parts.path.lstrip("/"))
    if parts.scheme not in _DB_SCHEMES or not parts.hostname or not database or "/" in database:
        raise ImproperlyConfigured(
            f"{name} must look like postgres://user:password@host:5432/database, "
            f"got {_hide(raw)}"
        )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": database,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname,
        "PORT": str(port or 5432),
        "CONN_MAX_AGE": 0,  # the pool requires it
        "OPTIONS": {"pool": {"min_size": 1, "max_size": pool_max, "timeout": 10},
                    **dict(parse_qsl(parts.query))},
    }


def _hide(url: str) -> str:
    """The URL without its password, fit for an error message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
