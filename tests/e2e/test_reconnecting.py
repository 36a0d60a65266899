"""The live indicator: dropped watches that fail to re-connect for a moment, and the browser's
own websocket going away with daphne, both show "reconnecting" and then heal."""

from __future__ import annotations

import re

import pytest
from kubernetes import client as k8s
from playwright.sync_api import Page, expect

from simcluster.cluster import SimCluster
from tests.e2e.support import open_live, row, same_document

pytestmark = pytest.mark.e2e
HEAL_TIMEOUT = 45_000


def label(kube: k8s.ApiClient, namespace: str, name: str, value: str) -> None:
    k8s.CustomObjectsApi(kube).patch_namespaced_custom_object(
        "argoproj.io", "v1alpha1", namespace, "rollouts", name,
        {"metadata": {"labels": {"e2e-mark": value}}})


def test_dropped_watches_show_reconnecting_then_heal(
        page: Page, cluster: SimCluster, kube: k8s.ApiClient) -> None:
    open_live(page, "/")
    live = page.locator("#live-status")
    # The API server throttles the re-connects for a moment (a 5xx would soon, rightly, read
    # as "cluster unreachable").
    cluster.fail_next(429, method="GET", path="/rollouts", count=4, retry_after=1)
    cluster.drop_watches(abrupt=True)
    expect(live).to_have_text("Reconnecting…")
    expect(live).to_have_attribute("data-state", "live", timeout=HEAL_TIMEOUT)
    expect(live).to_have_text("Live")
    label(kube, "shop", "frontend", "after-watch-drop")
    expect(row(page, "shop", "frontend")).to_have_attribute(
        "data-labels", re.compile('"e2e-mark":"after-watch-drop"'))
    assert same_document(page)


def test_a_restarted_server_shows_reconnecting_then_heals(
        page: Page, dashboard, kube: k8s.ApiClient) -> None:
    open_live(page, "/")
    live = page.locator("#live-status")
    dashboard.stop()
    try:
        expect(live).to_have_text("Reconnecting…")
        expect(live).to_have_attribute("data-state", "reconnecting")
    finally:
        dashboard.start()
    expect(live).to_have_attribute("data-state", "live", timeout=HEAL_TIMEOUT)
    label(kube, "shop", "frontend", "after-restart")
    expect(row(page, "shop", "frontend")).to_have_attribute(
        "data-labels", re.compile('"e2e-mark":"after-restart"'))
    assert same_document(page)
