"""ROLLOUTS_ROOT_PATH=/rollouts: a daphne started with it serves every page, the API, the
websockets, the probes and the static files under /rollouts/, every link it renders points
there, and nothing is served at / (a 404, the websockets refused)."""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from simcluster.cluster import SimCluster
from tests.mirror.objects import seed_rollout_tree
from tests.ops.support import ROOT_PATH, RootPathDashboard, get

DETAIL = "/rollouts/my-demo/rollouts-demo"  # inside the app
LINK = re.compile(r'(?:href|src|action|ws-connect|hx-post|data-url|content)="(/[^"]*)"')


@pytest.fixture
def web(simcluster: SimCluster, tmp_path: Path) -> Iterator[RootPathDashboard]:
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    server = RootPathDashboard(simcluster.kubeconfig, tmp_path)
    try:
        server.migrate()
        server.start()
        yield server
    finally:
        server.stop()


def page(web: RootPathDashboard, path: str) -> str:
    status, body = get(web.url + path, timeout=10)
    assert status == 200, (path, body[:300])
    return body.decode()


def links(html: str) -> set[str]:
    return {link for link in LINK.findall(html) if link.startswith("/")}


def wait_for_row(web: RootPathDashboard) -> None:
    deadline = time.monotonic() + 30
    while json.loads(page(web, "/api/v1/rollouts"))["count"] == 0:
        assert time.monotonic() < deadline, "the rollout never reached the API"
        time.sleep(0.1)  # the embedded watcher's first batch


async def frames(url: str, origin: str, count: int = 1) -> list[str]:
    async with aiohttp.ClientSession() as session, session.ws_connect(
            url, headers={"Origin": origin}) as socket:
        return [(await socket.receive(timeout=20)).data for _ in range(count)]


def test_pages_api_websockets_probes_and_static_files_live_under_the_root_path(
        web: RootPathDashboard) -> None:
    wait_for_row(web)
    overview, detail = page(web, "/"), page(web, DETAIL)
    confirm = page(web, DETAIL + "/confirm/abort")
    every = links(overview) | links(detail) | links(confirm)
    assert every and all(link.startswith(ROOT_PATH + "/") for link in every - {ROOT_PATH}), every
    assert f'ws-connect="{ROOT_PATH}/ws/overview"' in overview
    assert f'ws-connect="{ROOT_PATH}/ws{DETAIL}"' in detail
    assert f'action="{ROOT_PATH}{DETAIL}/actions/abort"' in confirm
    statics = {link for link in every if link.startswith(ROOT_PATH + "/static/")}
    assert len(statics) >= 5
    for link in statics:
        assert get(web.origin + link)[0] == 200, link
    for probe in ("/healthz", "/readyz", "/metrics"):
        assert get(web.url + probe)[0] == 200, probe


def test_the_api_and_its_errors_answer_under_the_root_path(web: RootPathDashboard) -> None:
    wait_for_row(web)
    one = json.loads(page(web, "/api/v1/rollouts/my-demo/rollouts-demo"))
    assert json.dumps(one).count("rollouts-demo") >= 1
    status, body = get(web.url + "/api/v1/nothing")
    assert status == 404 and json.loads(body)["error"]["reason"] == "NotFound"
    request = urllib.request.Request(web.url + "/api/v1/rollouts/my-demo/rollouts-demo/pause",
                                     data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert json.loads(response.read())["outcome"] in ("ok", "noop")


def test_the_websockets_stream_rows_linking_under_the_root_path(web: RootPathDashboard) -> None:
    wait_for_row(web)
    ws = web.url.replace("http", "ws", 1)
    (overview,) = asyncio.run(frames(ws + "/ws/overview", web.origin))
    assert f'href="{ROOT_PATH}{DETAIL}"' in overview  # the name link, which the JS follows
    detail = asyncio.run(frames(ws + "/ws" + DETAIL, web.origin))
    assert "rollouts-demo" in detail[0]


def test_nothing_is_served_outside_the_root_path(web: RootPathDashboard) -> None:
    for path in ("/", "/healthz", "/metrics", "/api/v1/rollouts", "/static/css/dashboard.css",
                 "/rolloutsx/"):
        status, body = get(web.origin + path)
        assert status == 404, path
        assert b"served under /rollouts/" in body
    with pytest.raises(aiohttp.WSServerHandshakeError):
        asyncio.run(frames(web.origin.replace("http", "ws", 1) + "/ws/overview", web.origin))
    request = urllib.request.Request(web.origin + ROOT_PATH, method="GET")
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(request, timeout=5)
    assert redirect.value.code == 308 and redirect.value.headers["Location"] == ROOT_PATH + "/"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None
