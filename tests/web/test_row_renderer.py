"""`rollouts.row_html` writes exactly what rollouts/_row.html renders: the template is the
readable reference of the row's markup, the Python renderer is what pages and live updates
use. Held to each other over every fixture, hostile strings and damaged infos."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.template.loader import render_to_string

from rollouts import fragments, row_html
from rollouts.keys import RolloutKey
from rollouts.mirror_batch import fallback_info
from rollouts.readmodel import RowData
from tests.info.support import FIXTURES, build, load, stage_now

AT = datetime(2025, 7, 17, 17, 15, tzinfo=UTC)
HOSTILE = ["<script>x=1</script>", '"><img src=x onerror="x=2">', "{{ 7*7 }}{% now 'Y' %}",
           "' onmouseover='x=4", "a & b > c < d", "ünïcødé — 名前", "  spaced  out  "]
FIXTURE_NAMES = sorted(path.name for path in FIXTURES.glob("*.json")
                       if path.name != "guide-stages.json")


def fixture_info(name: str) -> dict[str, Any]:
    try:
        now = stage_now(name)
    except KeyError:
        now = None
    return build(load(name), now).to_dict()


def hostile(info: dict[str, Any], text: str) -> dict[str, Any]:
    info = copy.deepcopy(info)
    info.update(message=text, labels={text: text, "app": text}, strategy=text)
    for rs in info.get("replicasets") or ():
        rs.update(name=text, status=text, images=[text, text], tags=[text, "stable"])
        for pod in rs.get("pods") or ():
            pod.update(name=text, status=text, ready=text)
    if isinstance(info.get("current_step"), dict):
        info["current_step"]["label"] = text
    return info


def damaged(info: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Infos with a field missing, None or of the wrong type: what an older or broken row
    may hold."""
    for field in ("strategy", "step", "current_step", "replicasets", "status", "message",
                  "needs_attention", "labels", "traffic", "step_index"):
        for value in (None, "", 0, [], {"label": None}):
            changed = dict(info)
            changed[field] = value
            yield changed
        yield {k: v for k, v in info.items() if k != field}
    for field in ("name", "status", "revision", "images", "tags", "pods", "replicas"):
        for value in (None, ""):
            changed = copy.deepcopy(info)
            for rs in changed.get("replicasets") or ():
                rs[field] = value
            yield changed


def cases() -> Iterator[tuple[str, RowData]]:
    key = RolloutKey("default", "my-demo", "rollouts-demo")
    for name in FIXTURE_NAMES:
        info = fixture_info(name)
        yield name, RowData(key, info, AT)
        yield f"{name} without changed_at", RowData(key, info, None)
        for n, text in enumerate(HOSTILE):
            odd = RolloutKey("default", "ns-" + str(n), text)
            yield f"{name} hostile {n}", RowData(odd, hostile(info, text), AT)
        for n, broken in enumerate(damaged(info)):
            yield f"{name} damaged {n}", RowData(key, broken, AT)
    yield "fallback", RowData(key, fallback_info({"metadata": {"name": "x"}}, "boom"), AT)
    yield "empty", RowData(key, {}, None)


@pytest.mark.parametrize("case", list(cases()), ids=lambda case: case[0])
def test_the_python_row_is_byte_for_byte_the_template_row(case: tuple[str, RowData]) -> None:
    _, data = case
    context = fragments.row_context(data)
    assert row_html.row(context) == render_to_string("rollouts/_row.html", context)
