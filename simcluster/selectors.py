"""Label and field selectors, parsed once into predicates over stored objects.

Label selectors: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x,y)`, `a`, `!a`, `a>1`, `a<1`.
Field selectors: equality and inequality on the fields the apiserver supports for the kind.
A malformed selector is a 400 BadRequest, like the apiserver's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from simcluster.errors import ApiError

Predicate = Callable[[dict[str, Any]], bool]

LABEL_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
    r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"
)
LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$")
_SET_TERM = re.compile(r"^(\S+)\s+(in|notin)\s*\((.*)\)$")
_EQ_TERM = re.compile(r"^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$")

# Fields every kind supports, plus the extra ones the apiserver registers per kind.
_COMMON_FIELDS = ("metadata.name", "metadata.namespace")
_KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "pods": ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
             "spec.serviceAccountName", "status.phase", "status.podIP", "status.nominatedNodeName"),
    "events": ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
               "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
               "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"),
    "secrets": ("type",),
    "namespaces": ("status.phase",),
    "replicasets": ("status.replicas",),
}


def _bad(selector: str, why: str) -> ApiError:
    return ApiError(400, f"unable to parse requirement: {why} (selector {selector!r})")


def split_terms(selector: str) -> list[str]:
    """Split on commas that are not inside a parenthesised value set."""
    terms, depth, current = [], 0, []
    for char in selector:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            terms.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    terms.append("".join(current).strip())
    return [t for t in terms if t]


def _check_key(selector: str, key: str) -> str:
    if not LABEL_KEY.match(key) or len(key.rsplit("/", 1)[-1]) > 63:
        raise _bad(selector, f"invalid label key {key!r}")
    return key


def _check_value(selector: str, value: str) -> str:
    if not LABEL_VALUE.match(value) or len(value) > 63:
        raise _bad(selector, f"invalid label value {value!r}")
    return value


def _label_term(selector: str, term: str) -> Callable[[dict[str, str]], bool]:
    if term.startswith("!"):
        key = _check_key(selector, term[1:].strip())
        return lambda labels: key not in labels
    if m := _SET_TERM.match(term):
        key = _check_key(selector, m.group(1))
        values = frozenset(_check_value(selector, v.strip()) for v in m.group(3).split(","))
        if m.group(2) == "in":
            return lambda labels: labels.get(key) in values
        return lambda labels: labels.get(key) not in values
    if m := _EQ_TERM.match(term):
        key, op, value = _check_key(selector, m.group(1)), m.group(2), m.group(3).strip()
        if op in ("<", ">"):
            return _numeric_term(selector, key, op, value)
        _check_value(selector, value)
        if op == "!=":
            return lambda labels: labels.get(key) != value
        return lambda labels: labels.get(key) == value
    key = _check_key(selector, term)
    return lambda labels: key in labels


def _numeric_term(selector: str, key: str, op: str, value: str) -> Callable[[dict], bool]:
    try:
        bound = int(value)
    except ValueError:
        raise _bad(selector, f"{value!r} is not an integer") from None

    def check(labels: dict[str, str]) -> bool:
        try:
            number = int(labels[key])
        except (KeyError, ValueError):
            return False
        return number > bound if op == ">" else number < bound

    return check


def label_predicate(selector: str | None) -> Predicate | None:
    """None when the selector selects everything (cheaper than an always-true predicate)."""
    if not selector or not selector.strip():
        return None
    tests = [_label_term(selector, term) for term in split_terms(selector)]

    def matches(obj: dict[str, Any]) -> bool:
        labels = (obj.get("metadata") or {}).get("labels") or {}
        if not isinstance(labels, dict):
            return False
        return all(test(labels) for test in tests)

    return matches


def field_value(obj: dict[str, Any], path: str) -> str:
    value: Any = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return ""
    if isinstance(value, dict) and path == "source":
        return str(value.get("component", ""))
    return str(value)


def field_predicate(plural: str, selector: str | None) -> Predicate | None:
    if not selector or not selector.strip():
        return None
    allowed = _COMMON_FIELDS + _KIND_FIELDS.get(plural, ())
    tests: list[tuple[str, bool, str]] = []
    for term in split_terms(selector):
        m = _EQ_TERM.match(term)
        if not m or m.group(2) in ("<", ">"):
            raise ApiError(400, f"invalid field selector: {term!r} is not field=value or "
                                f"field!=value")
        field, value = m.group(1), m.group(3).strip()
        if field not in allowed:
            raise ApiError(400, f'field label not supported: "{field}" is not a known field '
                                f"selector for {plural}: only {', '.join(allowed)}")
        tests.append((field, m.group(2) != "!=", value))

    def matches(obj: dict[str, Any]) -> bool:
        return all((field_value(obj, f) == v) == equal for f, equal, v in tests)

    return matches


def combine(*predicates: Predicate | None) -> Predicate | None:
    active = [p for p in predicates if p is not None]
    if not active:
        return None
    if len(active) == 1:
        return active[0]
    return lambda obj: all(p(obj) for p in active)
