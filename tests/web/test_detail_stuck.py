"""The detail page says why a rollout is stuck: the summary names the cause and each pod row
shows its containers' waiting or terminated reason and message, escaped."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.info.support import NOW_STEP3, PAUSED_STEP3, Bundle, load
from tests.web.support import store

pytestmark = pytest.mark.django_db
URL = "/rollouts/my-demo/rollouts-demo"
CANARY_RS = "rollouts-demo-5cf4fb69f8"
BAD = "argoproj/rollouts-demo:bad"


def _app_status(bundle: Bundle, pod: str) -> dict:
    statuses = bundle.named("pods", pod)["status"]["containerStatuses"]
    return next(c for c in statuses if c["name"] == "rollouts-demo")


def _stuck_bundle(message: str) -> Bundle:
    bundle = load(PAUSED_STEP3)
    bundle.named("replicasets", CANARY_RS)["status"].update(
        {"availableReplicas": 0, "readyReplicas": 0})
    _app_status(bundle, "rollouts-demo-5cf4fb69f8-pc986").update({
        "ready": False, "image": BAD,
        "state": {"waiting": {"reason": "ImagePullBackOff", "message": message}}})
    _app_status(bundle, "rollouts-demo-5cf4fb69f8-f895m").update({
        "ready": False, "restartCount": 4,
        "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled",
                                     "startedAt": "2025-07-20T08:58:10Z",
                                     "finishedAt": "2025-07-20T08:58:20Z"}},
        "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 1m20s"}}})
    return bundle


def _page(client: Client, bundle: Bundle) -> str:
    store(bundle.objects(), NOW_STEP3)
    response = client.get(URL)
    assert response.status_code == 200
    return response.text


def test_the_summary_names_why_the_canary_is_not_available(client: Client) -> None:
    html = _page(client, _stuck_bundle(f'Back-off pulling image "{BAD}"'))
    summary = html[html.index('class="d-summary'):html.index("</section>")]
    assert ('<p><b>Why it is stuck:</b> canary not available: 1 pod ImagePullBackOff '
            f"(rollouts-demo: {BAD}), 1 pod CrashLoopBackOff (rollouts-demo: "
            "argoproj/rollouts-demo:yellow)</p>") in summary


def test_pod_rows_show_the_waiting_message_and_the_last_run_escaped(client: Client) -> None:
    html = _page(client, _stuck_bundle('<img src=x onerror="alert(1)"> "quoted"'))
    revisions = html[html.index('class="card d-revisions'):]
    assert ('<small class="pod-why">rollouts-demo: &lt;img src=x onerror=&quot;alert(1)&quot;'
            "&gt; &quot;quoted&quot;</small>") in revisions
    assert ('<small class="pod-why">rollouts-demo: back-off 1m20s; last run OOMKilled, '
            "exit code 137</small>") in revisions
    assert "<img src=x" not in html


def test_a_rollout_whose_pods_are_fine_has_no_stuck_banner(client: Client) -> None:
    html = _page(client, load(PAUSED_STEP3))
    assert "Why it is stuck" not in html and 'class="pod-why"' not in html
