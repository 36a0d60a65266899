"""/metrics is Prometheus text with every metric family, and counts what happens."""

from __future__ import annotations

from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from rollouts import metrics
from rollouts.keys import RolloutKey

FAMILIES = {
    "rollouts_watch_events", "rollouts_relists", "rollouts_watch_errors",
    "rollouts_mirror_batch_size", "rollouts_mirror_commit_seconds",
    "rollouts_publish_lag_seconds", "rollouts_renders", "rollouts_frames_sent",
    "rollouts_sent_bytes", "rollouts_websockets_connected", "rollouts_actions",
    "rollouts_watcher_leader",
}


def scrape(client: Client) -> dict[str, list]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return {family.name: family.samples
            for family in text_string_to_metric_families(response.content.decode())}


def value(samples: list, name: str, **labels: str) -> float:
    """The sample's value; 0 for a series not created yet."""
    return next((s.value for s in samples if s.name == name and s.labels == labels), 0.0)


def test_metrics_lists_every_family(client: Client) -> None:
    assert set(scrape(client)) >= FAMILIES


def test_label_sets_exist_at_zero_before_anything_happened(client: Client) -> None:
    families = scrape(client)
    kinds = {s.labels["kind"] for s in families["rollouts_watch_errors"]}
    assert {"rollouts", "pods", "virtualservices"} <= kinds
    assert {s.labels["page"] for s in families["rollouts_websockets_connected"]} == {
        "overview", "detail"}


def test_unknown_label_values_are_counted_as_other(client: Client) -> None:
    before = value(scrape(client)["rollouts_actions"], "rollouts_actions_total",
                   action="other", outcome="refused")
    metrics.action_done("drop-table", "refused")
    after = value(scrape(client)["rollouts_actions"], "rollouts_actions_total",
                  action="other", outcome="refused")
    assert after == before + 1


def test_publish_lag_is_observed_once_per_noted_change(client: Client) -> None:
    keys = [RolloutKey("lag-test", "my-demo", "a"), RolloutKey("lag-test", "my-demo", "b")]
    count, bucket = "rollouts_publish_lag_seconds_count", "rollouts_publish_lag_seconds_bucket"
    before = scrape(client)["rollouts_publish_lag_seconds"]
    # Noted at monotonic time 0 (the machine's boot, long ago): lags far above 10 s.
    metrics.publish_lag.changed("lag-test", [("my-demo", "a"), ("my-demo", "b")], since=0.0)
    # A later change of a rollout not yet published keeps the oldest time.
    metrics.publish_lag.changed("lag-test", [("my-demo", "a")], since=1e12)
    metrics.publish_lag.published([*keys, RolloutKey("lag-test", "my-demo", "never-noted")])
    metrics.publish_lag.published(keys)
    after = scrape(client)["rollouts_publish_lag_seconds"]
    assert value(after, count) == value(before, count) + 2
    assert value(after, bucket, le="10.0") == value(before, bucket, le="10.0")
