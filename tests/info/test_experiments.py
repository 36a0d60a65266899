"""Experiments: attached to their revision with their own ReplicaSets, pods and runs."""

from __future__ import annotations

from rollouts.info import render_rollout_text
from tests.info.support import SCENARIO_NOW, build, load

EXPECTED_TREE = """\
NAME                                                          KIND         STATUS         AGE   INFO
⟳ exp-demo                                                    Rollout      ◌ Progressing  7d2h
├──# revision:2
│  ├──⧉ exp-demo-6f646bf7b7                                   ReplicaSet   ✔ Healthy      7d1h  canary
│  │  └──□ exp-demo-6f646bf7b7-p2x0                           Pod          ✔ Running      7d1h  ready:2/2
│  └──Σ exp-demo-6f646bf7b7-2-1                               Experiment   ◌ Running      5m
│     ├──⧉ exp-demo-6f646bf7b7-2-1-baseline-7d768b8b5f        ReplicaSet   ✔ Healthy      5m
│     │  └──□ exp-demo-6f646bf7b7-2-1-baseline-7d768b8b5f-q1  Pod          ✔ Running      5m    ready:2/2
│     ├──⧉ exp-demo-6f646bf7b7-2-1-canary-7699dcf5d           ReplicaSet   ✔ Healthy      5m
│     │  └──□ exp-demo-6f646bf7b7-2-1-canary-7699dcf5d-q1     Pod          ✔ Running      5m    ready:2/2
│     └──α exp-demo-6f646bf7b7-2-1-compare                    AnalysisRun  ◌ Running      10m   ✔ 1
│        ├──⊞ exp-demo-6f646bf7b7-2-1-compare-1               Job          ✔ Successful   4m
│        └──⊞ exp-demo-6f646bf7b7-2-1-compare-2               Job          ◌ Running      60s
└──# revision:1
   └──⧉ exp-demo-f6db98dff                                    ReplicaSet   ✔ Healthy      7d1h  stable
      ├──□ exp-demo-f6db98dff-p1x0                            Pod          ✔ Running      7d1h  ready:2/2
      ├──□ exp-demo-f6db98dff-p1x1                            Pod          ✔ Running      7d1h  ready:2/2
      └──□ exp-demo-f6db98dff-p1x2                            Pod          ✔ Running      7d1h  ready:2/2
"""  # noqa: E501


def test_the_experiment_tree_nests_its_replicasets_pods_runs_and_jobs() -> None:
    text = render_rollout_text(build(load("canary-experiment-step.json")), SCENARIO_NOW)
    tree = text[text.index("NAME ") :]
    assert [line.rstrip() for line in tree.split("\n")] == EXPECTED_TREE.split("\n")


def test_experiment_images_are_tagged_with_their_template_name() -> None:
    info = build(load("canary-experiment-step.json"))
    assert [(i.image, i.tags) for i in info.images] == [
        ("argoproj/rollouts-demo:blue", ("stable", "Σ:baseline")),
        ("argoproj/rollouts-demo:yellow", ("canary", "Σ:canary")),
    ]


def test_an_experiment_carries_its_phase_revision_and_children() -> None:
    info = build(load("canary-experiment-step.json"))
    [experiment] = info.experiments
    assert (experiment.phase, experiment.icon, experiment.revision) == ("Running", "◌", 2)
    assert [rs.template for rs in experiment.replicasets] == ["baseline", "canary"]
    assert all(rs.tags == () for rs in experiment.replicasets)  # experiment RSs have no roles
    assert [run.name for run in experiment.analysis_runs] == ["exp-demo-6f646bf7b7-2-1-compare"]
    assert info.analysis_runs == ()  # the run belongs to the experiment, not to the rollout
    assert info.revisions[0].experiments == (experiment,)


def test_jobs_come_from_measurement_metadata_with_their_namespace() -> None:
    [run] = build(load("canary-experiment-step.json")).experiments[0].analysis_runs
    assert [(job.name, job.namespace, job.status) for job in run.jobs] == [
        ("exp-demo-6f646bf7b7-2-1-compare-1", "shop", "Successful"),
        ("exp-demo-6f646bf7b7-2-1-compare-2", "jobs", "Running"),
    ]


def test_a_failed_experiment_of_the_current_revision_is_an_error() -> None:
    bundle = load("canary-experiment-step.json")
    bundle.lists["experiments"][0]["status"].update(
        phase="Failed", message="ReplicaSet exp-demo-6f646bf7b7-2-1-canary did not become available"
    )
    assert build(bundle).errors == (
        "Experiment exp-demo-6f646bf7b7-2-1 Failed: "
        "ReplicaSet exp-demo-6f646bf7b7-2-1-canary did not become available",
    )
