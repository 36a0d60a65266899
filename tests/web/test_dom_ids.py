"""DOM ids come from one helper: readable, valid as HTML ids and CSS identifiers, never shared."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template

from rollouts.dom import dom_id
from rollouts.keys import RolloutKey

CSS_IDENT = re.compile(r"^[a-z][a-z0-9_-]*$")


def test_an_ordinary_key_reads_as_part_cluster_namespace_name() -> None:
    key = RolloutKey("default", "my-demo", "rollouts-demo")
    assert dom_id("row", key) == "row--default--my-demo--rollouts-demo"


@pytest.mark.parametrize("key", [
    RolloutKey("default", "my.demo", "rollouts.demo-1"),
    RolloutKey("prod/eu", "ns", "a b"),
    RolloutKey("Default", "-ns-", "x--y"),
    RolloutKey("c", "ns", "<script>\"'&"),
    RolloutKey("c", "ns", "ünïcødé"),
])
def test_any_key_gives_a_css_safe_id(key: RolloutKey) -> None:
    assert CSS_IDENT.match(dom_id("summary", key))


def test_keys_that_differ_never_share_an_id() -> None:
    keys = [
        RolloutKey("c", "a--b", "c"), RolloutKey("c", "a", "b--c"), RolloutKey("c", "a-", "-b"),
        RolloutKey("c", "a.b", "c"), RolloutKey("c", "a_2eb", "c"), RolloutKey("c", "a", "b.c"),
        RolloutKey("c-", "a", "b"), RolloutKey("c", "-a", "b"), RolloutKey("c", "", "ab"),
        RolloutKey("c", "_", "ab"),
    ]
    ids = [dom_id("row", key) for key in keys]
    assert len(set(ids)) == len(ids)


def test_the_template_tag_gives_the_same_id() -> None:
    key = RolloutKey("default", "my.demo", "rollouts-demo")
    template = Template('{% load rollouts_ui %}{% dom_id "traffic" key %}')
    html = template.render(Context({"key": key}))
    assert html == dom_id("traffic", key)


@pytest.mark.parametrize("part", ["", "Row", "row--x", "1row", "row id"])
def test_a_malformed_part_is_refused(part: str) -> None:
    with pytest.raises(ValueError, match="DOM id part"):
        dom_id(part, RolloutKey("c", "n", "r"))
