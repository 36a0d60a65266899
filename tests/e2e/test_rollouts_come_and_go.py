"""A rollout created through the Kubernetes API appears on the open overview, and goes away
again when it is deleted; its open detail page says it was deleted."""

from __future__ import annotations

import pytest
from kubernetes import client as k8s
from playwright.sync_api import Page, expect

from tests.e2e.support import open_live, row, same_document

pytestmark = pytest.mark.e2e

GROUP, VERSION, PLURAL = "argoproj.io", "v1alpha1", "rollouts"


def rollout(name: str) -> dict:
    labels = {"app": name}
    return {
        "apiVersion": f"{GROUP}/{VERSION}", "kind": "Rollout",
        "metadata": {"name": name, "labels": {"team": "e2e"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [
                {"name": "app", "image": "argoproj/rollouts-demo:blue"}]}},
            "strategy": {"canary": {"steps": [{"setWeight": 50}, {"pause": {}}]}},
        },
    }


def test_a_created_rollout_appears_and_a_deleted_one_disappears(
        page: Page, kube: k8s.ApiClient) -> None:
    api = k8s.CustomObjectsApi(kube)
    open_live(page, "/")
    new_row = row(page, "batch", "e2e-created")
    expect(new_row).to_have_count(0)

    api.create_namespaced_custom_object(GROUP, VERSION, "batch", PLURAL, rollout("e2e-created"))
    expect(new_row).to_have_count(1)
    expect(new_row.locator(".status b")).to_have_text("Healthy")
    expect(new_row.locator(".pod")).to_have_count(2)
    detail = page.context.new_page()
    open_live(detail, "/rollouts/batch/e2e-created")
    expect(detail.locator(".d-summary .status b")).to_have_text("Healthy")

    api.delete_namespaced_custom_object(GROUP, VERSION, "batch", PLURAL, "e2e-created")
    expect(new_row).to_have_count(0)
    expect(detail.locator(".d-summary")).to_contain_text("This rollout was deleted")
    expect(detail.locator(".d-summary button[data-act]")).to_have_count(0)
    assert same_document(page) and same_document(detail)
