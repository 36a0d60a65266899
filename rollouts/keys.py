"""How a rollout is named everywhere: cluster, namespace, name — and which names can exist.

The name rules are Kubernetes' own (apimachinery's validation): a namespace or container name
is a DNS-1123 label, an object name a DNS-1123 subdomain. Every entry point (pages, JSON API,
UI posts, CLI, websockets) and the path builder in `rollouts.kinds` check with these functions,
so a name that cannot exist (`..`, `a/b`, NUL, 10,000 characters) never reaches a cluster URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LABEL_MAX, SUBDOMAIN_MAX = 63, 253
# fullmatch, never `$`: `$` also matches before a trailing newline.
_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", re.ASCII)
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*",
                        re.ASCII)
_SHOWN = 60  # characters of a bad value quoted back in a message


class InvalidName(ValueError):
    """A namespace, name or container name that no Kubernetes object can have."""

    def __init__(self, what: str, value: object, rule: str) -> None:
        super().__init__(f"invalid {what} {shown(value)}: {rule}")
        self.what = what


def shown(value: object) -> str:
    """A bad value as a message quotes it: repr'd (control characters visible), shortened."""
    text = repr(value)
    if len(text) <= _SHOWN:
        return text
    return f"{text[:_SHOWN]}… ({len(value) if isinstance(value, str) else len(text)} characters)"


def _check(what: str, value: object, pattern: re.Pattern[str], limit: int, kind: str) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidName(what, value, "must be a non-empty string")
    if len(value) > limit:
        raise InvalidName(what, value, f"must be at most {limit} characters")
    if not pattern.fullmatch(value):
        raise InvalidName(what, value, f"must be a {kind}: lowercase letters, digits and '-'"
                          f"{', dot-separated' if pattern is _SUBDOMAIN else ''}, starting "
                          "and ending with a letter or digit")
    return value


def check_namespace(value: object) -> str:
    return _check("namespace", value, _LABEL, LABEL_MAX, "DNS-1123 label")


def check_name(value: object, what: str = "rollout name") -> str:
    return _check(what, value, _SUBDOMAIN, SUBDOMAIN_MAX, "DNS-1123 subdomain")


def check_label(value: object, what: str) -> str:
    """A container name (or any other DNS-1123 label)."""
    return _check(what, value, _LABEL, LABEL_MAX, "DNS-1123 label")


def is_namespace(value: object) -> bool:
    try:
        check_namespace(value)
    except InvalidName:
        return False
    return True


@dataclass(frozen=True, order=True)
class RolloutKey:
    cluster: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.cluster}/{self.namespace}/{self.name}"

    def check(self) -> RolloutKey:
        """Itself, or InvalidName naming the first part no rollout can have."""
        check_namespace(self.namespace)
        check_name(self.name)
        return self
