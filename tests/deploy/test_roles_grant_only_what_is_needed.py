"""The rendered ClusterRole (base) and Roles (namespaced overlay) grant exactly the verbs the
dashboard uses; the leader election's Role covers its one Lease in its own namespace."""

from __future__ import annotations

import pytest

from tests.deploy.support import LEASE, NEEDED, OVERLAYS, documents, grants, of_kind


def test_the_cluster_role_grants_nothing_beyond_the_list() -> None:
    (role,) = of_kind(documents("base"), "ClusterRole")
    assert grants(role) == NEEDED
    assert not any("*" in value for rule in role["rules"] for values in rule.values()
                   for value in values)
    assert all("resourceNames" not in rule and "nonResourceURLs" not in rule
               for rule in role["rules"])


def test_the_namespaced_overlay_grants_the_same_in_each_watched_namespace_only() -> None:
    docs = documents("overlays/namespaced")
    assert of_kind(docs, "ClusterRole") == [] and of_kind(docs, "ClusterRoleBinding") == []
    watched = {role["metadata"]["namespace"]: grants(role) for role in of_kind(docs, "Role")
               if role["metadata"]["name"] == "rollouts-dashboard"}
    assert watched == {"team-a": NEEDED, "team-b": NEEDED}
    (config,) = of_kind(docs, "ConfigMap")
    assert config["data"]["ROLLOUTS_NAMESPACES"] == "team-a,team-b"
    bound = {(binding["metadata"]["namespace"], binding["roleRef"]["name"])
             for binding in of_kind(docs, "RoleBinding")}
    assert {("team-a", "rollouts-dashboard"), ("team-b", "rollouts-dashboard")} <= bound


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_lease_role_is_limited_to_its_lease_in_its_namespace(overlay: str) -> None:
    (role,) = [r for r in of_kind(documents(overlay), "Role")
               if r["metadata"]["name"] == "rollouts-dashboard-leader"]
    assert role["metadata"]["namespace"] == "rollouts-dashboard"
    assert grants(role) == LEASE
    named = [rule for rule in role["rules"] if set(rule["verbs"]) & {"get", "update"}]
    assert all(rule["resourceNames"] == ["rollouts-dashboard-watcher"] for rule in named)
