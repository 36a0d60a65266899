"""Filtering rollouts by name and labels: the upstream dashboard's search box and label selectors.

Search syntax (upstream's rollouts-home): comma-separated terms, a rollout matches when **any**
term matches.
- `demo`      the name contains "demo"
- `"demo"`    the name is exactly "demo"
- `!demo`     the name does not contain "demo" (`!"demo"`: is not exactly "demo")
- `app:web`   label `app` contains "web";  `app:"web"`: label `app` is exactly "web"

Label selectors are Kubernetes': `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x,y)`, `a`, `!a`.
Pure functions; the API and the UI both use them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass


class SelectorError(ValueError):
    """A label selector that cannot be parsed; the message says which term and why."""


@dataclass(frozen=True)
class SearchTerm:
    text: str
    label: str | None = None  # set for `label:value` terms
    exact: bool = False
    negated: bool = False


def parse_search(query: str) -> list[SearchTerm]:
    terms = []
    for raw in str(query).split(","):
        term = raw.strip()
        if not term:
            continue
        if ":" in term:
            # Like upstream, only the text between the first and second colon is the value.
            key, value = term.split(":")[:2]
            exact = len(value) >= 2 and value.startswith('"') and value.endswith('"')
            terms.append(SearchTerm(value[1:-1] if exact else value, label=key, exact=exact))
            continue
        negated = term.startswith("!")
        term = term[1:] if negated else term
        exact = term.startswith('"') and term.endswith('"')
        terms.append(SearchTerm(term.replace('"', ""), exact=exact, negated=negated))
    return terms


def _term_matches(term: SearchTerm, name: str, labels: Mapping[str, str]) -> bool:
    if term.label is not None:
        value = labels.get(term.label)
        # An empty label value never matches, as upstream's truthiness check has it.
        if not isinstance(value, str) or not value:
            return False
        return value == term.text if term.exact else term.text in value
    found = name == term.text if term.exact else term.text in name
    return not found if term.negated else found


def search_matches(terms: list[SearchTerm], name: str, labels: Mapping[str, str] | None) -> bool:
    """True when no terms were given or any one of them matches."""
    if not terms:
        return True
    return any(_term_matches(term, name, labels or {}) for term in terms)


# --- Label selectors -------------------------------------------------------------------------

Requirement = Callable[[Mapping[str, str]], bool]
_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
    r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"
)
_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$")
_SET = re.compile(r"^(\S+)\s+(in|notin)\s*\((.*)\)$")
_EQUALITY = re.compile(r"^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$")


def _split(selector: str) -> list[str]:
    """Split on the commas outside parenthesised value sets."""
    terms, depth, current = [], 0, ""
    for char in selector:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            terms.append(current)
            current = ""
        else:
            current += char
    return [*terms, current]


def _check(key: str, values: list[str], term: str) -> None:
    if not _KEY.match(key) or len(key.rsplit("/", 1)[-1]) > 63:
        raise SelectorError(f"invalid label key {key!r} in {term!r}")
    for value in values:
        if not _VALUE.match(value) or len(value) > 63:
            raise SelectorError(f"invalid label value {value!r} in {term!r}")


def _requirement(term: str) -> Requirement:
    if match := _SET.match(term):
        key, operator, body = match.groups()
        values = [v.strip() for v in body.split(",")]
        _check(key, values, term)
        if operator == "in":
            return lambda labels: labels.get(key) in values
        return lambda labels: labels.get(key) not in values
    if match := _EQUALITY.match(term):
        key, operator, value = match.groups()
        _check(key, [value], term)
        if operator == "!=":
            return lambda labels: labels.get(key) != value
        return lambda labels: labels.get(key) == value
    negated = term.startswith("!")
    key = term[1:].strip() if negated else term
    _check(key, [], term)
    return (lambda labels: key not in labels) if negated else (lambda labels: key in labels)


def parse_selector(selector: str) -> list[Requirement]:
    """Requirements that must all hold; an empty selector selects everything."""
    if not str(selector).strip():
        return []
    requirements = []
    for raw in _split(str(selector)):
        term = raw.strip()
        if not term:
            raise SelectorError(f"empty requirement in label selector {selector!r}")
        requirements.append(_requirement(term))
    return requirements


def selector_matches(requirements: list[Requirement], labels: Mapping[str, str] | None) -> bool:
    return all(requirement(labels or {}) for requirement in requirements)
