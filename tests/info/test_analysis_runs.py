"""AnalysisRuns: phase icons, ✔/✖/?/⚠ counters, metric results and measurements."""

from __future__ import annotations

import pytest

from rollouts.info import render_rollout_text
from tests.info.support import SCENARIO_NOW, at, build, load

STEP_RUN = "canary-demo-645d5dbc4c-2-1"
BACKGROUND_RUN = "canary-demo-645d5dbc4c-2"


def runs() -> dict:
    return {run.name: run for run in build(load("canary-analysis-step.json")).analysis_runs}


def test_counters_are_summed_over_metric_results_and_printed_when_non_zero() -> None:
    step = runs()[STEP_RUN]
    assert (step.successful, step.failed, step.inconclusive, step.error) == (2, 1, 0, 0)
    text = render_rollout_text(build(load("canary-analysis-step.json")), SCENARIO_NOW)
    assert "α canary-demo-645d5dbc4c-2-1      AnalysisRun  ◌ Running      10m   ✔ 2,✖ 1" in text


def test_all_four_counters_print_in_upstreams_order() -> None:
    bundle = load("canary-analysis-step.json")
    result = bundle.named("analysisruns", STEP_RUN)["status"]["metricResults"][0]
    result.update(successful=3, failed=1, inconclusive=2, error=1)
    text = render_rollout_text(build(bundle), SCENARIO_NOW)
    assert "✔ 3,✖ 1,? 2,⚠ 1" in text


@pytest.mark.parametrize(
    ("phase", "icon"),
    [
        ("Successful", "✔"),
        ("Inconclusive", "?"),
        ("Failed", "✖"),
        ("Error", "⚠"),
        ("Running", "◌"),
        ("Pending", "◷"),
        ("", " "),
    ],
)
def test_each_phase_has_upstreams_icon(phase: str, icon: str) -> None:
    bundle = load("canary-analysis-step.json")
    bundle.named("analysisruns", STEP_RUN)["status"]["phase"] = phase
    assert {r.name: r for r in build(bundle).analysis_runs}[STEP_RUN].icon == icon


def test_runs_carry_their_labels_and_revision() -> None:
    step, background = runs()[STEP_RUN], runs()[BACKGROUND_RUN]
    assert (step.label, background.label) == ("Analysis 2-1", "Analysis 645d5dbc4c-2")
    assert (step.rollout_type, step.step_index, step.revision) == ("Step", 1, 2)
    assert (background.rollout_type, background.step_index) == ("Background", None)


def test_metrics_combine_the_spec_with_the_results() -> None:
    [metric] = runs()[STEP_RUN].metrics
    assert (metric.name, metric.phase, metric.count, metric.successful, metric.failed) == (
        "success-rate",
        "Running",
        3,
        2,
        1,
    )
    assert metric.success_condition == "result[0] >= 0.95"
    assert metric.failure_condition == "result[0] < 0.90"
    assert (metric.failure_limit, metric.inconclusive_limit, metric.count_limit) == (1, None, 4)
    assert (metric.provider, metric.query) == ("prometheus", "sum(irate(istio_requests_total[1m]))")


def test_measurements_keep_value_phase_times_and_message() -> None:
    [metric] = runs()[STEP_RUN].metrics
    failed = metric.measurements[1]
    assert (failed.phase, failed.value, failed.message) == ("Failed", "[0.81]", "result[0] < 0.90")
    assert failed.started_at == at("2025-07-20T08:58:00Z")
    assert failed.finished_at == at("2025-07-20T08:58:01Z")


def test_a_failed_run_of_the_current_revision_is_listed_as_an_error() -> None:
    info = build(load("canary-analysis-step.json"))
    assert info.errors == (
        'AnalysisRun canary-demo-645d5dbc4c-2 Failed: metric "web" assessed Failed due to '
        "failed (1) > failureLimit (0)",
    )


def test_failed_runs_of_older_revisions_are_history_not_errors() -> None:
    bundle = load("canary-analysis-step.json")
    run = bundle.named("analysisruns", BACKGROUND_RUN)
    run["metadata"]["annotations"]["rollout.argoproj.io/revision"] = "1"
    assert build(bundle).errors == ()


def test_runs_sort_by_revision_then_creation_then_name_descending() -> None:
    bundle = load("canary-analysis-step.json")
    older = bundle.named("analysisruns", BACKGROUND_RUN)
    older["metadata"]["creationTimestamp"] = "2025-07-20T08:40:00Z"
    assert [r.name for r in build(bundle).analysis_runs] == [BACKGROUND_RUN, STEP_RUN]
