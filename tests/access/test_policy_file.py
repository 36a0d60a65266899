"""The policy file: Argo CD's CSV shape, custom roles, scopes, and errors that name their line."""

from __future__ import annotations

import pytest

from rollouts.access.policy import BUILTIN_ROLES, Permissions, PolicyError, parse_policy

POLICY = """
# release managers may do what operators do, and change images
p, role:release-manager, role:operator
p, role:release-manager, set-image
p, role:promoter, promote

g, group:payments, role:operator, prod/payments-*
g, user:alice, role:admin
g, sre, role:viewer, */*
g, user:bob, role:promoter, staging   # every cluster's staging namespace
g, user:carol, role:release-manager, prod/checkout
"""


def test_it_reads_custom_roles_with_inherited_verbs() -> None:
    policy = parse_policy(POLICY)
    assert policy.roles["release-manager"] == BUILTIN_ROLES["operator"] | {"set-image"}
    assert policy.roles["promoter"] == {"view", "promote"}


def test_it_reads_grants_with_their_scopes_and_line_numbers() -> None:
    grants = {(g.subject_kind, g.subject): g for g in parse_policy(POLICY, "policy.csv").grants}
    payments = grants[("group", "payments")]
    assert (payments.role, payments.cluster, payments.namespace) == ("operator", "prod",
                                                                     "payments-*")
    assert payments.source == "policy.csv, line 7"
    assert (grants[("user", "alice")].cluster, grants[("user", "alice")].namespace) == ("*", "*")
    assert grants[("group", "sre")].role == "viewer"
    assert (grants[("user", "bob")].cluster, grants[("user", "bob")].namespace) == ("*", "staging")


def test_permissions_are_the_union_of_the_grants_that_name_a_person() -> None:
    policy = parse_policy(POLICY)
    dave = Permissions.of(policy, "dave", ["payments", "sre"])
    assert dave.verbs("prod", "payments-eu") == BUILTIN_ROLES["operator"]
    assert dave.verbs("staging", "payments-eu") == {"view"}
    assert dave.role_in("prod", "payments-eu") == "operator"
    bob = Permissions.of(policy, "bob", [])
    assert bob.can("promote", "staging", "staging")
    assert not bob.can("abort", "staging", "staging")
    assert not bob.can("view", "prod", "checkout")
    assert bob.role_in("prod", "checkout") == "none"
    assert Permissions.of(policy, "mallory", ["everyone"]).view_scopes() == []


@pytest.mark.parametrize(("text", "line", "words"), [
    ("g, user:alice, role:admin\nx, what", 2, "expected 'p, role:<name>"),
    ("p, role:admin, promote", 1, "built in"),
    ("\n\np, role:r, launch-missiles", 3, "unknown verb 'launch-missiles'"),
    ("g, user:alice, role:nobody", 1, "role:nobody is not defined"),
    ("g, user:alice, admin", 1, "expected role:<name>"),
    ("g, robot:x, role:viewer", 1, "must be user:NAME, group:NAME"),
    ("g, user:alice, role:viewer, prod/Payments", 1, "namespace 'Payments'"),
    ("g, user:alice, role:viewer, a/b/c", 1, "cluster 'a/b'"),
    ("p, role:a, role:b\np, role:b, role:a", 2, "role:b includes itself"),
    ("p, role:a, role:ghost", 1, "role:ghost is not defined"),
    ("g, user:al ice, role:viewer", 1, "user name 'al ice'"),
    ("g, user:alice, role:viewer, prod, extra, more", 1, "expected 'p, role:<name>"),
])
def test_a_malformed_line_is_reported_with_its_number(text: str, line: int, words: str) -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(text)
    assert raised.value.line == line
    assert words in str(raised.value)
    assert str(raised.value).startswith(f"line {line}: ")
