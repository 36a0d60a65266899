"""Fault hooks (fail-next) and the request log, through the Python API and over /_sim."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from kubernetes import client, config
from kubernetes.client import ApiException

from tests.simcluster import manifests
from tests.simcluster.conftest import NAMESPACE

GROUP, VERSION = "argoproj.io", "v1alpha1"


def _control(sim, method: str, action: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{sim.url}/_sim/{action}", data=data, method=method)
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture
def rollout(sim):
    return sim.store.create("rollouts", manifests.rollout(NAMESPACE))


def test_fail_next_500_fails_one_matching_request_then_recovers(sim, rollout, custom):
    sim.fail_next(500, method="PATCH", path=r"/rollouts/rollouts-demo/status$")
    custom.get_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts", "rollouts-demo")
    with pytest.raises(ApiException) as caught:
        custom.patch_namespaced_custom_object_status(GROUP, VERSION, NAMESPACE, "rollouts",
                                                     "rollouts-demo", {"status": {"abort": True}})
    assert caught.value.status == 500
    assert json.loads(caught.value.body)["reason"] == "InternalError"
    assert "abort" not in sim.store.get("rollouts", NAMESPACE, "rollouts-demo")["status"]
    custom.patch_namespaced_custom_object_status(GROUP, VERSION, NAMESPACE, "rollouts",
                                                 "rollouts-demo", {"status": {"abort": True}})
    assert [r["code"] for r in sim.requests()] == [500, 200]


def test_fail_next_403_surfaces_as_forbidden(sim, rollout, custom):
    sim.fail_next(403, count=2)
    for _ in range(2):
        with pytest.raises(ApiException) as caught:
            custom.list_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts")
        assert caught.value.status == 403
        assert json.loads(caught.value.body)["reason"] == "Forbidden"
    assert custom.list_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts")["items"]


def test_a_429_on_a_patch_surfaces_with_retry_after(sim, rollout, custom):
    # urllib3 does not retry PATCH, so the caller sees the 429 and its Retry-After.
    sim.fail_next(429, retry_after=7)
    with pytest.raises(ApiException) as caught:
        custom.patch_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts",
                                              "rollouts-demo", {"spec": {"paused": True}})
    assert caught.value.status == 429
    assert caught.value.headers["Retry-After"] == "7"
    assert json.loads(caught.value.body)["details"]["retryAfterSeconds"] == 7
    assert sim.requests()[-1]["code"] == 429


def test_urllib3_retries_a_429_get_that_carries_retry_after(sim, rollout, custom):
    sim.fail_next(429, method="GET", retry_after=0, count=2)
    got = custom.get_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts",
                                              "rollouts-demo")
    assert got["metadata"]["name"] == "rollouts-demo"
    assert sim.server.faults.take("GET", "/anything") is None  # both injected failures used


def test_a_client_with_client_go_retries_rides_over_a_429(sim, rollout):
    configuration = client.Configuration()
    config.load_kube_config(str(sim.kubeconfig), client_configuration=configuration)
    configuration.client_go_retries = True
    sim.fail_next(429, method="GET", retry_after=0, count=2)
    with client.ApiClient(configuration) as api:
        got = client.CustomObjectsApi(api).get_namespaced_custom_object(
            GROUP, VERSION, NAMESPACE, "rollouts", "rollouts-demo")
    assert got["metadata"]["name"] == "rollouts-demo"


def test_the_request_log_records_every_write_and_can_be_cleared(sim, rollout, custom, core):
    custom.patch_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts", "rollouts-demo",
                                          {"spec": {"paused": True}})
    core.list_namespaced_pod(NAMESPACE)  # reads are not logged
    [entry] = sim.requests()
    assert entry == {
        "method": "PATCH",
        "path": f"/apis/{GROUP}/{VERSION}/namespaces/{NAMESPACE}/rollouts/rollouts-demo",
        "query": {}, "content_type": "application/merge-patch+json",
        "body": {"spec": {"paused": True}}, "code": 200,
    }
    assert _control(sim, "GET", "requests") == [entry]
    _control(sim, "DELETE", "requests")
    assert sim.requests() == []


def test_the_control_surface_injects_faults_and_compacts_over_http(sim, rollout, custom):
    _control(sim, "POST", "fail-next", {"code": 500, "method": "GET", "path": "rollouts"})
    with pytest.raises(ApiException):
        custom.list_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts")
    answer = _control(sim, "POST", "compact")
    assert answer["oldestResourceVersion"] == str(sim.store.resource_version)
    assert sim.store.events_since(sim.store.resource_version - 1) is None


def test_bad_control_requests_are_400_with_a_reason(sim):
    with pytest.raises(urllib.error.HTTPError) as caught:
        _control(sim, "POST", "fail-next", {"code": 200})
    assert caught.value.code == 400
    assert "400-599" in json.loads(caught.value.read())["message"]
    with pytest.raises(urllib.error.HTTPError) as caught:
        _control(sim, "POST", "advance", {"seconds": -1})
    assert caught.value.code == 400


def test_advance_moves_the_simulated_clock(sim):
    before = sim.clock.now()
    _control(sim, "POST", "advance", {"seconds": 3600})
    assert (sim.clock.now() - before).total_seconds() >= 3600


def test_settings_change_the_bookmark_interval_and_maximum_watch(sim):
    answer = _control(sim, "POST", "settings", {"bookmarkInterval": 5, "maxWatchSeconds": 9})
    assert answer == {"ok": True, "bookmarkInterval": 5.0, "maxWatchSeconds": 9.0}
    assert sim.settings.bookmark_interval == 5.0
