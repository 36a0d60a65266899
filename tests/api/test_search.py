"""The search box syntax and label selectors (rollouts/search.py)."""

from __future__ import annotations

import pytest

from rollouts.search import (
    SelectorError,
    parse_search,
    parse_selector,
    search_matches,
    selector_matches,
)

ROLLOUTS = {
    "rollouts-demo": {"app": "rollouts-demo", "team": "checkout"},
    "rollouts-demo-bg": {"app": "rollouts-demo", "team": "payments"},
    "cart": {"app": "cart", "team": "checkout-eu", "tier": ""},
    "search-api": {},
}


def _names(query: str) -> list[str]:
    terms = parse_search(query)
    return [name for name, labels in ROLLOUTS.items() if search_matches(terms, name, labels)]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", ["rollouts-demo", "rollouts-demo-bg", "cart", "search-api"]),
        (" , ", ["rollouts-demo", "rollouts-demo-bg", "cart", "search-api"]),
        ("demo", ["rollouts-demo", "rollouts-demo-bg"]),
        ('"rollouts-demo"', ["rollouts-demo"]),
        ("!demo", ["cart", "search-api"]),
        ('!"rollouts-demo"', ["rollouts-demo-bg", "cart", "search-api"]),
        ("cart, api", ["cart", "search-api"]),
        ("team:checkout", ["rollouts-demo", "cart"]),
        ('team:"checkout"', ["rollouts-demo"]),
        ("tier:", []),
        ("team:pay, cart", ["rollouts-demo-bg", "cart"]),
        ("nothing-like-this", []),
    ],
)
def test_search_terms_match_like_the_upstream_dashboard(query: str, names: list[str]) -> None:
    assert _names(query) == names


def test_a_label_term_keeps_only_the_text_up_to_a_second_colon() -> None:
    (term,) = parse_search("image:argoproj:yellow")
    assert (term.label, term.text) == ("image", "argoproj")


def _selected(selector: str) -> list[str]:
    requirements = parse_selector(selector)
    return [name for name, labels in ROLLOUTS.items() if selector_matches(requirements, labels)]


@pytest.mark.parametrize(
    ("selector", "names"),
    [
        ("", ["rollouts-demo", "rollouts-demo-bg", "cart", "search-api"]),
        ("app=rollouts-demo", ["rollouts-demo", "rollouts-demo-bg"]),
        ("app==cart", ["cart"]),
        ("app!=cart", ["rollouts-demo", "rollouts-demo-bg", "search-api"]),
        ("team in (checkout, payments)", ["rollouts-demo", "rollouts-demo-bg"]),
        ("team notin (checkout),app", ["rollouts-demo-bg", "cart"]),
        ("tier", ["cart"]),
        ("!team", ["search-api"]),
        ("app=rollouts-demo,team=checkout", ["rollouts-demo"]),
    ],
)
def test_label_selectors_follow_kubernetes(selector: str, names: list[str]) -> None:
    assert _selected(selector) == names


@pytest.mark.parametrize("selector", ["app=a b", "app=,", "=x", "app in (a", "-bad=x", "a=b=c"])
def test_a_malformed_selector_is_refused_with_the_term(selector: str) -> None:
    with pytest.raises(SelectorError):
        parse_selector(selector)
