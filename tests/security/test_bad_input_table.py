"""Bad input over HTTP to the real app under daphne: always a JSON 4xx, never a cluster request.

The dashboard runs as `make serve` runs it (daphne, a child process, watcher off so that every
request the cluster sees would be one of ours) against simcluster holding the guide's rollout.
Each case is sent raw with http.client (the path exactly as written, percent-encoded where a
client would), then the answer must be `{"error": {code, reason, message}}` with the expected
4xx, and simcluster's logs must show no request at all: not a write, not a read.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from simcluster.cluster import SimCluster
from tests.actions.objects import NAME, NAMESPACE, paused_at_step_1
from tests.actions.support import NAMESPACE_MANIFEST
from tests.servers import Dashboard

JSON = "application/json"
API = "/api/v1/rollouts"
ROLLOUT = f"{API}/{NAMESPACE}/{NAME}"
DEEP = 10_000
OVER_LIMIT = 2_621_440 + 1024  # Django's DATA_UPLOAD_MAX_MEMORY_SIZE, and then some
DIGEST = "sha256:" + "a" * 64


@dataclass(frozen=True)
class Case:
    id: str
    method: str
    path: str
    body: bytes | None = None
    content_type: str | None = None
    code: int = 422


def seg(text: str) -> str:
    """A path segment as a client sends it: percent-encoded, `.` and `..` left as they are."""
    return quote(text, safe="")


def get(id: str, path: str, code: int = 422) -> Case:
    return Case(id, "GET", path, code=code)


def post(id: str, action: str, payload: Any, code: int = 422, *, path: str = ROLLOUT) -> Case:
    return Case(id, "POST", f"{path}/{action}", json.dumps(payload).encode(), JSON, code)


def raw(id: str, body: bytes, content_type: str | None = JSON, code: int = 422) -> Case:
    return Case(id, "POST", f"{ROLLOUT}/promote", body, content_type, code)


def image(id: str, value: Any) -> Case:
    return post(id, "set-image", {"container": NAME, "image": value})


def container(id: str, value: Any) -> Case:
    return post(id, "set-image", {"container": value, "image": "argoproj/rollouts-demo:red"})


BAD_NAMES = {
    "dot-dot": "..", "dot": ".", "uppercase": "My-Demo", "leading-dash": "-demo",
    "trailing-dash": "demo-", "underscore": "my_demo", "nul": "demo\x00", "newline": "demo\n",
    "tab": "de\tmo", "del": "demo\x7f", "cyrillic-e": "my-dеmo", "fullwidth": "ｍｙ-demo",
    "zero-width-space": "my\u200bdemo", "emoji": "demo-🚀", "space": "my demo",
}
CASES = [
    *(get(f"namespace-{k}", f"{API}/{seg(v)}/{NAME}") for k, v in BAD_NAMES.items()),
    *(get(f"name-{k}", f"{API}/{NAMESPACE}/{seg(v)}") for k, v in BAD_NAMES.items()),
    get("namespace-with-a-dot", f"{API}/my.demo/{NAME}"),
    get("namespace-64-characters", f"{API}/{'n' * 64}/{NAME}"),
    get("namespace-63-characters-is-only-not-found", f"{API}/{'n' * 63}/{NAME}", 404),
    get("name-254-characters", f"{API}/{NAMESPACE}/{'r' * 254}"),
    get("name-253-characters-is-only-not-found", f"{API}/{NAMESPACE}/{'r' * 253}", 404),
    get("name-10000-characters", f"{API}/{NAMESPACE}/{'r' * 10_000}"),
    get("name-with-an-empty-label", f"{API}/{NAMESPACE}/rollouts..demo"),
    get("namespace-percent-encoded-dot-dot", f"{API}/%2E%2E/{NAME}"),
    get("timeline-of-dot-dot", f"{API}/../{NAME}/timeline"),
    get("actions-of-a-10000-character-name", f"{API}/{NAMESPACE}/{'a' * 10_000}/actions"),
    get("limit-zero", f"{ROLLOUT}/timeline?limit=0"),
    get("limit-negative", f"{ROLLOUT}/timeline?limit=-1"),
    get("limit-huge", f"{ROLLOUT}/actions?limit={'9' * 5000}"),
    get("limit-float", f"{ROLLOUT}/actions?limit=1e3"),
    get("limit-superscript-digit", f"{ROLLOUT}/actions?limit={seg('²')}"),
    get("list-namespace-dot-dot", f"{API}?namespace=.."),
    get("list-namespace-uppercase", f"{API}?namespace=default,Prod"),
    get("list-unknown-status", f"{API}?status=Exploded"),
    get("list-bad-selector", f"{API}?selector={seg('app in (a')}"),
    get("no-such-endpoint", "/api/v1/nothing-here", 404),
    get("no-such-version", "/api/v2/rollouts", 404),
    get("get-on-an-action", f"{ROLLOUT}/promote", 405),
    # Only the action endpoints are CSRF-exempt: another method elsewhere meets the CSRF check.
    Case("put-on-the-list", "PUT", API, b"{}", JSON, 403),
    Case("delete-a-rollout", "DELETE", ROLLOUT, code=403),
    raw("body-not-json", b"{"),
    raw("body-a-list", b"[]"),
    raw("body-null", b"null"),
    raw("body-a-string", b'"promote"'),
    raw("body-invalid-utf8", b"\xff\xfe{}"),
    raw("body-nan", b'{"full": NaN}'),
    raw("body-infinity", b'{"full": Infinity}'),
    raw(f"body-lists-nested-{DEEP}-deep", b"[" * DEEP + b"]" * DEEP),
    raw(f"body-objects-nested-{DEEP}-deep", b'{"a":' * DEEP + b"1" + b"}" * DEEP),
    raw("body-over-2.5-MB", b'{"full": false, "pad": "' + b"x" * OVER_LIMIT + b'"}', code=413),
    raw("content-type-text-plain", b"{}", "text/plain", 415),
    raw("content-type-form", b"full=true", "application/x-www-form-urlencoded", 415),
    # Well-formed: Twisted itself answers a malformed multipart body with a bare 400.
    raw("content-type-multipart", b'--x\r\nContent-Disposition: form-data; name="full"\r\n\r\n'
        b"true\r\n--x--\r\n", "multipart/form-data; boundary=x", 415),
    raw("content-type-missing", b"{}", None, 415),
    post("promote-full-as-a-string", "promote", {"full": "yes"}),
    post("promote-full-as-an-int", "promote", {"full": 1}),
    post("promote-unknown-parameter", "promote", {"steps": 3}),
    post("restart-in-99999999999h", "restart", {"in": "99999999999h"}),
    post("restart-in-1e308", "restart", {"in": 1e308}),
    post("restart-in-past-7-days", "restart", {"in": "169h"}),
    post("restart-in-days-unit", "restart", {"in": "8d"}),
    post("restart-in-negative-number", "restart", {"in": -5}),
    post("restart-in-negative-duration", "restart", {"in": "-1h"}),
    post("restart-in-a-boolean", "restart", {"in": True}),
    post("restart-in-a-fraction", "restart", {"in": 1.5}),
    post("restart-in-5000-digits", "restart", {"in": "9" * 5000}),
    post("restart-in-a-list", "restart", {"in": [30]}),
    raw("restart-in-1e400", b'{"in": 1e400}'),
    post("undo-negative-revision", "undo", {"revision": -1}),
    post("undo-boolean-revision", "undo", {"revision": True}),
    post("undo-fractional-revision", "undo", {"revision": 1.5}),
    post("undo-revision-past-int64", "undo", {"revision": 2**63}),
    post("undo-revision-as-text", "undo", {"revision": "1"}),
    post("undo-revision-1e308", "undo", {"revision": 1e308}),
    Case("undo-revision-of-5000-digits", "POST", f"{ROLLOUT}/undo",
         b'{"revision": ' + b"9" * 5000 + b"}", JSON),
    image("image-100000-characters", "x" * 100_000),
    image("image-with-nul", "argoproj/rollouts-demo:red\x00"),
    image("image-with-escape-sequence", "\x1b[31margoproj/rollouts-demo:red"),
    image("image-with-newline", "argoproj/rollouts-demo:red\nsecond-line"),
    image("image-unicode-look-alike", "argoproj/rollouts-dеmo:red"),
    image("image-uppercase-repository", "argoproj/Rollouts-Demo:red"),
    image("image-tag-129-characters", "argoproj/rollouts-demo:" + "t" * 129),
    image("image-bad-digest", "argoproj/rollouts-demo@sha256:xyz"),
    image("image-empty", ""),
    image("image-a-number", 7),
    image("image-a-list", ["argoproj/rollouts-demo:red"]),
    post("image-missing", "set-image", {"container": NAME}),
    container("container-empty", ""),
    container("container-dot-dot-slash", "../web"),
    container("container-64-characters", "c" * 64),
    container("container-nul", "web\x00"),
    container("container-uppercase", "Web"),
    container("container-a-boolean", True),
    post("expect-step-as-text", "promote", {"expect": {"step": "1"}}),
    post("expect-step-boolean", "promote", {"expect": {"step": True}}),
    post("expect-step-negative", "promote", {"expect": {"step": -1}}),
    post("expect-resource-version-1000-characters", "promote",
         {"expect": {"resourceVersion": "9" * 1000}}),
    post("expect-state-a-number", "promote", {"expect": {"state": 5}}),
    post("expect-a-list", "promote", {"expect": [1]}),
    post("expect-unknown-field", "promote", {"expect": {"step": 1, "phase": "Paused"}}),
    post("unknown-action", "frobnicate", {}),
    post("action-name-10000-characters", "p" * 10_000, {}),
    post("action-on-namespace-dot-dot", "promote", {}, path=f"{API}/../{NAME}"),
    post("action-on-a-10000-character-name", "abort", {}, path=f"{API}/{NAMESPACE}/{'r' * 10_000}"),
    post("action-on-an-uppercase-name", "abort", {}, path=f"{API}/{NAMESPACE}/Rollouts-Demo"),
]


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimCluster]:
    cluster = SimCluster(seeds=("empty",), controllers=False)
    cluster.start()
    cluster.kubeconfig = cluster.write_kubeconfig(tmp_path_factory.mktemp("sim") / "kubeconfig")
    cluster.apply([NAMESPACE_MANIFEST, paused_at_step_1()])
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def daphne(sim: SimCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    server = Dashboard(Path(sim.kubeconfig), tmp_path_factory.mktemp("daphne"))
    # No watcher: then every request simcluster sees is one these cases caused.
    server.env["ROLLOUTS_WATCHER"] = "off"
    # Controllers are off too: no reaction to wait for after the one good action.
    server.env["ROLLOUTS_ACTION_SETTLE_SECONDS"] = "0"
    server.migrate()
    server.start()
    yield server
    server.stop()


def send(server: Dashboard, case: Case) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        headers = {"Content-Type": case.content_type} if case.content_type else {}
        connection.request(case.method, case.path, body=case.body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def test_the_table_has_at_least_sixty_distinct_bad_inputs() -> None:
    assert len({case.id for case in CASES}) == len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_a_json_4xx_and_nothing_reaches_the_cluster(
        daphne: Dashboard, sim: SimCluster, case: Case) -> None:
    sim.clear_requests()
    status, content_type, body = send(daphne, case)
    assert status == case.code, body[:300]
    assert content_type.startswith("application/json"), body[:300]
    error = json.loads(body)["error"]
    assert error["code"] == status
    assert isinstance(error["reason"], str) and error["reason"]
    assert isinstance(error["message"], str) and error["message"]
    assert "Traceback" not in error["message"] and len(error["message"]) < 1000
    assert sim.requests() == [] and sim.read_requests() == []


def test_a_good_request_does_reach_the_cluster(daphne: Dashboard, sim: SimCluster) -> None:
    """The same logs see a valid action: the silence above means nothing was sent."""
    sim.clear_requests()
    status, _, body = send(daphne, post("pause", "pause", {}, 200))
    assert status == 200, body
    assert [r["method"] for r in sim.read_requests()] == ["GET"]
    assert [(r["method"], r["body"]) for r in sim.requests()] == [
        ("PATCH", {"spec": {"paused": True}})]
