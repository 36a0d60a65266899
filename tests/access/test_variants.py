"""A permission set's name and its namespace filter: what rendering per set is keyed by."""

from __future__ import annotations

import fnmatch
import re

import pytest

from rollouts.access.policy import Permissions, Policy, parse_policy
from rollouts.access.variants import (
    UI_VERBS,
    controls,
    glob_regex,
    variant_id,
    viewable_namespaces,
)

POLICY = parse_policy("g, user:otto, role:operator, default/my-demo\n"
                      "g, user:otto, role:viewer, default/team-*\n"
                      "g, user:otto, role:admin, prod/*\n")


def _otto(policy: Policy = POLICY) -> Permissions:
    return Permissions.of(policy, "otto", ())


def test_a_variant_id_is_short_stable_and_ignores_order() -> None:
    assert re.fullmatch(r"c-[0-9a-f]{8}", variant_id({"promote", "abort"}))
    assert variant_id(["abort", "promote"]) == variant_id(("promote", "abort", "promote"))


def test_different_sets_of_controls_get_different_variants() -> None:
    names = {variant_id(()), variant_id({"promote"}), variant_id(UI_VERBS)}
    assert len(names) == 3


def test_controls_are_the_ui_verbs_held_in_that_namespace_only() -> None:
    assert controls(_otto(), "default", "team-a") == frozenset()
    assert "rollback" not in controls(_otto(), "default", "my-demo")
    assert controls(_otto(), "prod", "anything") == UI_VERBS  # manage-access is no button


def test_the_viewable_namespaces_are_the_globs_of_that_cluster() -> None:
    assert viewable_namespaces(_otto(), "default") == ["my-demo", "team-*"]
    assert viewable_namespaces(_otto(), "prod") is None  # everything
    assert viewable_namespaces(_otto(), "elsewhere") == []


@pytest.mark.parametrize("glob", ["team-*", "a?c", "my.demo", "*-prod", "*"])
@pytest.mark.parametrize("name", ["team-a", "abc", "my.demo", "myxdemo", "x-prod", "team-"])
def test_a_glob_as_a_regex_matches_exactly_what_the_glob_does(glob: str, name: str) -> None:
    assert bool(re.match(glob_regex(glob), name)) == fnmatch.fnmatchcase(name, glob)
