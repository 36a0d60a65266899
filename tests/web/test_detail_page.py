"""The detail page as served: summary, traffic, steps, revisions, analysis, history."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from rollouts.models import ActionRecord, RolloutEvent
from tests.info.support import load, stage_now
from tests.web.support import BEFORE_SCALE_DOWN, PAUSED_STEP1, PAUSED_STEP3, store

pytestmark = pytest.mark.django_db
URL = "/rollouts/my-demo/rollouts-demo"
AT = datetime(2025, 7, 17, 17, 15, tzinfo=UTC)


def page(client: Client, fixture: str = PAUSED_STEP3, url: str = URL, **status: object) -> str:
    bundle = load(fixture)
    bundle.status.update(status)
    store(bundle.objects(), stage_now(fixture) if fixture.startswith("guide") else AT)
    response = client.get(url)
    assert response.status_code == 200
    return response.text


def section(html: str, css: str) -> str:
    start = html.index(f'class="{css}')
    return html[start:html.index("</section>", start)]


def test_the_summary_shows_status_message_strategy_step_and_weights(client: Client) -> None:
    html = page(client)
    summary = section(html, "d-summary")
    assert "<b>Paused</b>" in summary and "<h1>rollouts-demo</h1>" in summary
    assert "CanaryPauseStep" in summary  # the detail page shows the message as it is
    assert '<span class="stepno">3/9</span> <small>Pause: 1m</small>' in summary
    assert "<dt>SetWeight</dt><dd>40</dd>" in summary
    assert "<dt>ActualWeight</dt><dd>40</dd>" in summary
    assert '<span class="wtext">60/40</span>' in summary
    assert "<b>6</b> current" in summary and "<b>2</b> updated" in summary
    assert 'ws-connect="/ws/rollouts/my-demo/rollouts-demo"' in html


def test_the_toolbar_has_every_action_with_its_rule(client: Client) -> None:
    summary = section(page(client), "d-summary")
    for action in ("promote", "promote-full", "abort", "pause", "restart"):
        assert f'data-act="{action}" title=' in summary
    assert 'data-act="retry" title="only an aborted rollout can be retried" disabled' in summary


def test_the_traffic_panel_compares_the_virtualservice_the_controller_and_setweight(
        client: Client) -> None:
    traffic = section(page(client), "card d-traffic")
    assert "my-demo/rollouts-demo-vsvc" in traffic and "http[0] primary" in traffic
    assert '<span class="wtext">60/40</span>' in traffic  # the VirtualService
    assert "<td>60/40</td>" in traffic  # what the controller applied
    assert "<td>40</td>" in traffic  # SetWeight
    assert "consistent" in traffic and "warnings" not in traffic


def test_the_traffic_panel_warns_when_the_virtualservice_disagrees(client: Client) -> None:
    bundle = load(PAUSED_STEP3)
    route = bundle.named("virtualservices", "rollouts-demo-vsvc")["spec"]["http"][0]["route"]
    route[0]["weight"], route[1]["weight"] = 90, 10
    store(bundle.objects(), stage_now(PAUSED_STEP3))
    traffic = section(client.get(URL).text, "card d-traffic")
    assert '<span class="wtext">90/10</span>' in traffic
    assert "1 problem" in traffic
    assert "but the controller last applied 40% to canary" in traffic


def test_steps_mark_the_current_one_with_a_countdown_on_a_timed_pause(client: Client) -> None:
    steps = section(page(client), "card d-steps")
    assert steps.count("st--done") == 3 and steps.count("st--pending") == 5
    current = steps[steps.index("st--current"):]
    assert 'aria-current="step"' in current
    assert ('<time datetime="2025-07-17T17:15:35Z" data-countdown data-done="ending" '
            'data-started="2025-07-17T17:14:35Z"') in current


def test_the_first_step_is_marked_current_at_step_zero(client: Client) -> None:
    steps = section(page(client, PAUSED_STEP1, currentStepIndex=0, pauseConditions=None,
                         controllerPause=None), "card d-steps")
    assert steps.index("st--current") < steps.index("Set Weight: 20%")
    assert "st--done" not in steps


def test_revisions_list_replicasets_with_roles_and_pods(client: Client) -> None:
    revisions = section(page(client), "card d-revisions")
    assert revisions.index("Revision 2") < revisions.index("Revision 1")
    assert "rollouts-demo-5cf4fb69f8-pc986" in revisions
    assert revisions.count("<tr><td><i class=\"pod pod--success\">") == 6
    assert "<td>2/2</td>" in revisions
    assert 'data-act="rollback" data-revision="2" title="this is the newest revision" disabled' \
        in revisions
    assert 'data-act="rollback" data-revision="1" title="put revision 1' in revisions


def test_an_old_revision_counts_down_to_its_scale_down(client: Client) -> None:
    revisions = section(page(client, BEFORE_SCALE_DOWN), "card d-revisions")
    assert 'class="scaledown"' in revisions
    assert '<time datetime="2025-07-17T17:18:45Z" data-countdown data-done="now"' in revisions


def test_analysis_runs_show_measurements_and_their_conditions(client: Client) -> None:
    html = page(client, "canary-analysis-step.json", url="/rollouts/shop/canary-demo")
    analysis = section(html, "card d-analysis")
    assert "canary-demo-645d5dbc4c-2-1" in analysis and "canary-demo-645d5dbc4c-2" in analysis
    assert "passes when <code>result[0] &gt;= 0.95</code>" in analysis
    assert "fails when <code>result[0] &lt; 0.90</code>" in analysis
    assert "fails after 2 failed measurements (1 so far)" in analysis
    assert "sum(irate(istio_requests_total[1m]))" in analysis
    assert "[0.81]" in analysis and 'class="is-degraded">Failed' in analysis
    assert section(html, "card d-experiments").startswith(
        'class="card d-experiments" hx-swap-oob="true" hidden>')


def test_experiments_show_their_replicasets_and_runs(client: Client) -> None:
    html = page(client, "canary-experiment-step.json", url="/rollouts/shop/exp-demo")
    experiments = section(html, "card d-experiments")
    assert "exp-demo-6f646bf7b7-2-1" in experiments
    assert "exp-demo-6f646bf7b7-2-1-baseline-7d768b8b5f" in experiments
    assert "Analysis 2-1-compare" in experiments or "compare" in experiments


def test_the_timeline_and_the_latest_actions_are_listed_newest_first(client: Client) -> None:
    for minute, kind in ((10, "update-started"), (12, "paused")):
        RolloutEvent.objects.create(cluster="default", namespace="my-demo", name="rollouts-demo",
                                    at=AT.replace(minute=minute), kind=kind,
                                    message=f"{kind} message")
    ActionRecord.objects.create(cluster="default", namespace="my-demo", name="rollouts-demo",
                                actor="anonymous", source="ui", action="promote",
                                params={"full": False}, outcome="refused",
                                message="rollout moved on", at=AT)
    html = page(client)
    timeline = section(html, "card d-timeline")
    assert timeline.index("paused message") < timeline.index("update-started message")
    actions = section(html, "card d-actions-log")
    assert "outcome--refused" in actions and "rollout moved on" in actions
    assert "anonymous · ui" in actions


def test_an_unknown_rollout_is_a_404_that_keeps_its_history(client: Client) -> None:
    RolloutEvent.objects.create(cluster="default", namespace="my-demo", name="gone", at=AT,
                                kind="deleted", message="Rollout deleted")
    response = client.get("/rollouts/my-demo/gone")
    assert response.status_code == 404
    assert "This rollout was deleted" in response.text and "Rollout deleted" in response.text
    never = client.get("/rollouts/my-demo/never-seen")
    assert never.status_code == 404 and "No rollout 'never-seen'" in never.text


def test_a_name_only_a_failed_action_was_tried_on_is_not_found_rather_than_deleted(
        client: Client) -> None:
    ActionRecord.objects.create(cluster="default", namespace="my-demo", name="typo", at=AT,
                                action="promote", outcome="error",
                                message="rollout 'typo' not found")
    response = client.get("/rollouts/my-demo/typo")
    assert response.status_code == 404
    assert "No rollout 'typo'" in response.text and "was deleted" not in response.text
    assert "rollout &#x27;typo&#x27; not found" in response.text  # its history still shows
