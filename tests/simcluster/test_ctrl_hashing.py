"""Names are made like upstream's: the guide's ReplicaSet hashes come out exactly."""

from __future__ import annotations

import random

from simcluster.controllers.gojson import canonical_quantity, go_marshal, go_string
from simcluster.controllers.hashing import SAFE_ALPHABET, pod_template_hash, random_suffix
from simcluster.seeds import manifests


def guide_template(colour: str) -> dict:
    demo, _ = manifests.guide()
    template = demo["spec"]["template"]
    template["spec"]["containers"][0]["image"] = f"argoproj/rollouts-demo:{colour}"
    return template


def test_the_guides_templates_hash_to_the_guides_replicaset_names():
    assert pod_template_hash(guide_template("blue")) == "76c569d8b"
    assert pod_template_hash(guide_template("yellow")) == "5cf4fb69f8"


def test_key_order_unknown_fields_and_quantity_spelling_do_not_change_the_hash():
    template = guide_template("blue")
    container = template["spec"]["containers"][0]
    reordered = {"spec": {"containers": [dict(reversed(list(container.items())))]},
                 "metadata": {"labels": dict(reversed(list(
                     template["metadata"]["labels"].items()))), "unknownField": 1}}
    reordered["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "0.005",
                                                                    "memory": "32Mi"}}
    assert pod_template_hash(reordered) == "76c569d8b"


def test_the_collision_count_changes_the_hash():
    assert pod_template_hash(guide_template("blue"), 1) != "76c569d8b"


def test_go_json_follows_struct_order_and_omitempty():
    encoded = go_marshal({"spec": {"containers": [{"image": "x", "name": "c", "ports": [],
                                                   "tty": False}]}}, "PodTemplateSpec")
    assert encoded == ('{"metadata":{"creationTimestamp":null},"spec":{"containers":'
                       '[{"name":"c","image":"x","resources":{}}]}}')
    assert go_string("<a&b>\u2028") == '"\\u003ca\\u0026b\\u003e\\u2028"'


def test_quantities_are_canonicalised_like_resource_quantity():
    cases = {"0.5": "500m", "1024Mi": "1Gi", "1536Mi": "1536Mi", "2000": "2k", "1500": "1500",
             "0.1": "100m", 2: "2", "1e3": "1k"}
    assert {k: canonical_quantity(k) for k in cases} == cases


def test_random_suffixes_use_the_safe_alphabet():
    suffix = random_suffix(random.Random(1))
    assert len(suffix) == 5 and set(suffix) <= set(SAFE_ALPHABET)
