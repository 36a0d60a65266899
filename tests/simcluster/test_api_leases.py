"""Leases through the official client, as a real API server serves them: an update carrying a
stale resourceVersion is 409 Conflict with the server's words, MicroTime fields are parsed with
six fraction digits and served back in UTC, and the spec's numbers are validated."""

from __future__ import annotations

import json

import pytest
from kubernetes import client
from kubernetes.client import ApiException

from tests.simcluster.conftest import NAMESPACE


@pytest.fixture
def leases(api: client.ApiClient) -> client.CoordinationV1Api:
    return client.CoordinationV1Api(api)


def _lease(name: str = "watcher", **spec: object) -> dict:
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": name},
            "spec": {"holderIdentity": "pod-a_1", "leaseDurationSeconds": 15,
                     "acquireTime": "2026-01-02T03:04:05.123456Z",
                     "renewTime": "2026-01-02T03:04:05.123456Z", "leaseTransitions": 0,
                     **spec}}


def _raw(leases: client.CoordinationV1Api, name: str = "watcher") -> dict:
    response = leases.read_namespaced_lease(name, NAMESPACE, _preload_content=False)
    return json.loads(response.data)


def _create_raw(api: client.ApiClient, body: dict) -> None:
    """POST the body as it is: the typed API would refuse a bad time before sending it."""
    params = api.param_serialize(
        "POST", f"/apis/coordination.k8s.io/v1/namespaces/{NAMESPACE}/leases", body=body,
        header_params={"Content-Type": "application/json", "Accept": "application/json"},
        auth_settings=["BearerToken"])
    response = api.call_api(*params)
    response.read()
    if response.status >= 400:
        raise ApiException(http_resp=response)


def _refused(call, code: int) -> dict:
    with pytest.raises(ApiException) as raised:
        call()
    assert raised.value.status == code
    return json.loads(raised.value.body)


def test_a_lease_is_created_and_read_back_with_its_spec(leases):
    leases.create_namespaced_lease(NAMESPACE, _lease())
    spec = _raw(leases)["spec"]
    assert spec == {"holderIdentity": "pod-a_1", "leaseDurationSeconds": 15,
                    "acquireTime": "2026-01-02T03:04:05.123456Z",
                    "renewTime": "2026-01-02T03:04:05.123456Z", "leaseTransitions": 0}
    typed = leases.read_namespaced_lease("watcher", NAMESPACE)
    assert typed.spec.renew_time.microsecond == 123456


def test_an_update_with_the_resource_version_read_wins_and_a_stale_one_conflicts(leases):
    leases.create_namespaced_lease(NAMESPACE, _lease())
    read = _raw(leases)
    first = {**read, "spec": {**read["spec"], "holderIdentity": "pod-b_2"}}
    leases.replace_namespaced_lease("watcher", NAMESPACE, first)
    second = {**read, "spec": {**read["spec"], "holderIdentity": "pod-c_3"}}
    status = _refused(lambda: leases.replace_namespaced_lease("watcher", NAMESPACE, second), 409)
    assert status["reason"] == "Conflict"
    assert status["message"] == (
        'Operation cannot be fulfilled on leases.coordination.k8s.io "watcher": the object has '
        "been modified; please apply your changes to the latest version and try again")
    assert _raw(leases)["spec"]["holderIdentity"] == "pod-b_2"


def test_micro_times_with_an_offset_are_served_back_in_utc(leases):
    leases.create_namespaced_lease(NAMESPACE, _lease(renewTime="2026-01-02T05:04:05.000001+02:00"))
    assert _raw(leases)["spec"]["renewTime"] == "2026-01-02T03:04:05.000001Z"


@pytest.mark.parametrize("value", ["2026-01-02T03:04:05Z", "2026-01-02T03:04:05.123Z",
                                   "yesterday", "2026-13-02T03:04:05.000000Z"])
def test_a_time_that_is_not_a_micro_time_is_refused_as_undecodable(api, leases, value):
    status = _refused(lambda: _create_raw(api, _lease(renewTime=value)), 400)
    assert status["reason"] == "BadRequest"
    assert status["message"].startswith(
        f'Lease in version "v1" cannot be handled as a Lease: parsing time "{value}" as '
        '"2006-01-02T15:04:05.000000Z07:00"')
    _refused(lambda: leases.read_namespaced_lease("watcher", NAMESPACE), 404)


def test_a_lease_duration_that_is_not_positive_is_invalid(leases):
    status = _refused(lambda: leases.create_namespaced_lease(
        NAMESPACE, _lease(leaseDurationSeconds=0)), 422)
    assert status["reason"] == "Invalid"
    assert status["message"] == ('Lease.coordination.k8s.io "watcher" is invalid: '
                                 "spec.leaseDurationSeconds: Invalid value: 0: "
                                 "must be greater than 0")
    assert status["details"]["causes"][0]["field"] == "spec.leaseDurationSeconds"


def test_an_update_that_breaks_the_spec_is_refused_and_changes_nothing(leases):
    leases.create_namespaced_lease(NAMESPACE, _lease())
    read = _raw(leases)
    broken = {**read, "spec": {**read["spec"], "leaseTransitions": -1}}
    _refused(lambda: leases.replace_namespaced_lease("watcher", NAMESPACE, broken), 422)
    patch = {"spec": {"leaseDurationSeconds": -5}}
    _refused(lambda: leases.patch_namespaced_lease("watcher", NAMESPACE, patch), 422)
    assert _raw(leases)["spec"] == read["spec"]
