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


def test_the_summary_tags_an_image_only_an_old_replicaset_runs_as_previous() -> None:
    info = build(load("guide-4-healthy-before-scale-down.json"), NOW_STEP3)
    assert [(i.image, i.tags) for i in info.summary_images] == [
        ("argoproj/rollouts-demo:blue", ("previous",)),
        ("argoproj/rollouts-demo:yellow", ("stable",)),
    ]
    # The CLI keeps upstream's line, where the old revision's image has no tag.
    assert [(i.image, i.tags) for i in info.images][0] == ("argoproj/rollouts-demo:blue", ())


def test_the_summary_tags_the_canary_of_an_aborted_update_as_aborted_too() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.status.update(abort=True, abortedAt="2025-07-17T17:14:40Z", currentStepIndex=0)
    info = build(bundle, NOW_STEP3)
    assert [(i.image, i.tags) for i in info.summary_images] == [
        ("argoproj/rollouts-demo:blue", ("stable",)),
        ("argoproj/rollouts-demo:yellow", ("canary", "aborted")),
    ]


def test_an_old_replicaset_running_the_stable_image_adds_no_previous_tag() -> None:
    bundle = load("guide-4-healthy-before-scale-down.json")
    for rs in bundle.lists["replicasets"]:
        rs["spec"]["template"]["spec"]["containers"][0]["image"] = "argoproj/rollouts-demo:blue"
    info = build(bundle, NOW_STEP3)
    assert [(i.image, i.tags) for i in info.summary_images] == [
        ("argoproj/rollouts-demo:blue", ("stable",))
    ]
