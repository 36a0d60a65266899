"""The Images list: role tags, merging of shared images, and ordering."""

from __future__ import annotations

from rollouts.info import render_rollout_text
from tests.info.support import NOW_STEP3, PAUSED_STEP3, build, load


def test_images_are_sorted_and_tagged_with_their_replicaset_roles() -> None:
    info = build(load(PAUSED_STEP3), NOW_STEP3)
    assert [(i.image, i.tags) for i in info.images] == [
        ("argoproj/rollouts-demo:blue", ("stable",)),
        ("argoproj/rollouts-demo:yellow", ("canary",)),
    ]


def test_an_image_run_by_two_replicasets_gets_the_sorted_union_of_tags() -> None:
    bundle = load(PAUSED_STEP3)
    canary = bundle.named("replicasets", "rollouts-demo-5cf4fb69f8")
    canary["spec"]["template"]["spec"]["containers"][0]["image"] = "argoproj/rollouts-demo:blue"
    info = build(bundle, NOW_STEP3)
    assert [(i.image, i.tags) for i in info.images] == [
        ("argoproj/rollouts-demo:blue", ("canary", "stable"))
    ]
    assert "Images:          argoproj/rollouts-demo:blue (canary, stable)" in render_rollout_text(
        info, NOW_STEP3
    )


def test_the_spec_containers_are_listed_separately_from_running_images() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.spec["template"]["spec"]["initContainers"] = [{"name": "migrate", "image": "demo:mig"}]
    info = build(bundle, NOW_STEP3)
    assert [(c.name, c.image) for c in info.containers] == [
        ("rollouts-demo", "argoproj/rollouts-demo:yellow")
    ]
    assert [(c.name, c.image) for c in info.init_containers] == [("migrate", "demo:mig")]
