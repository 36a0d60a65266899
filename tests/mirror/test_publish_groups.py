from __future__ import annotations

import re

from rollouts.keys import RolloutKey
from rollouts.publish import cluster_group, namespace_group, rollout_group, status_group

VALID = re.compile(r"^[a-zA-Z0-9\-_.]{1,99}$")  # what Channels accepts as a group name


def test_group_names_are_readable_when_they_can_be():
    key = RolloutKey("default", "my-demo", "rollouts-demo")
    assert rollout_group(key) == "rollouts_r_default_my-demo_rollouts-demo"
    assert namespace_group("default", "my-demo") == "rollouts_n_default_my-demo"
    assert cluster_group("default") == "rollouts_c_default"
    assert status_group("default") == "rollouts_s_default"


def test_long_or_odd_names_are_hashed_into_valid_distinct_groups():
    long_name = "a" * 253
    keys = [RolloutKey("default", "my-demo", long_name),
            RolloutKey("default", "my-demo", long_name[:-1] + "b"),
            RolloutKey("prod cluster/eu", "my-demo", "web"),
            RolloutKey("prod_cluster", "my-demo", "web")]
    groups = [rollout_group(key) for key in keys]
    assert all(VALID.match(group) for group in groups), groups
    assert len(set(groups)) == len(groups)
    assert groups[0] == rollout_group(RolloutKey("default", "my-demo", long_name))


def test_dotted_names_cannot_collide():
    # Rollout names may contain dots, namespaces may not: "_" keeps the parts apart.
    a = rollout_group(RolloutKey("c", "ns", "web.v2"))
    b = rollout_group(RolloutKey("c.ns", "web", "v2"))
    assert a != b
