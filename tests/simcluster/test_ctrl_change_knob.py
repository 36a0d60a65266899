"""ControllerOptions.change_every keeps the demo alive: promotions and new canaries now and then."""

from __future__ import annotations

from tests.simcluster.ctrl_support import Kube, start_cluster, wait_for

DEMO_ROLLOUTS = [("my-demo", "rollouts-demo"), ("batch", "reporter")]


def images(kube: Kube) -> dict[tuple[str, str], str]:
    return {(ns, name): kube.rollout(ns, name)["spec"]["template"]["spec"]["containers"][0][
        "image"] for ns, name in DEMO_ROLLOUTS}


def paused(kube: Kube) -> dict[str, tuple]:
    """Paused rollouts -> (step index, pause start): a promotion changes one or the other."""
    items = kube.custom.list_cluster_custom_object("argoproj.io", "v1alpha1", "rollouts")["items"]
    return {r["metadata"]["name"]: (r["status"].get("currentStepIndex"),
                                    r["status"]["pauseConditions"][0]["startTime"])
            for r in items if r["status"].get("pauseConditions")}


def test_the_change_ticker_promotes_a_waiting_rollout_and_starts_a_new_canary(make_simcluster):
    cluster = start_cluster(make_simcluster, seeds=("demo",), change_every=30)
    kube = Kube(cluster)
    before_images, before_paused = images(kube), paused(kube)
    assert before_paused
    wait_for(lambda: cluster.controllers is not None, what="controllers")
    cluster.advance(31)
    wait_for(lambda: images(kube) != before_images, what="a new canary")
    changed = {k: v for k, v in images(kube).items() if v != before_images[k]}
    assert len(changed) == 1 and list(changed.values())[0].endswith(":yellow")
    def promoted() -> bool:
        now = paused(kube)
        return any(now.get(name) != where for name, where in before_paused.items())

    wait_for(promoted, what="a waiting rollout promoted")
    kube.close()



def all_images(kube: Kube) -> dict[str, str]:
    items = kube.custom.list_cluster_custom_object("argoproj.io", "v1alpha1", "rollouts")["items"]
    return {f"{r['metadata']['namespace']}/{r['metadata']['name']}":
            r["spec"]["template"]["spec"]["containers"][0]["image"] for r in items}


def test_the_change_ticker_leaves_skipped_namespaces_alone(make_simcluster):
    cluster = start_cluster(make_simcluster, seeds=("demo",), change_every=30,
                            change_skip_namespaces=frozenset({"my-demo"}))
    kube = Kube(cluster)
    kube.set_image("my-demo", "rollouts-demo", "argoproj/rollouts-demo:yellow")
    waiting = wait_for(lambda: paused(kube).get("rollouts-demo"), what="the guide's pause")
    wait_for(lambda: cluster.controllers is not None, what="controllers")
    for tick in range(3):  # each tick starts a canary elsewhere: proof that it ran
        before = all_images(kube)
        cluster.advance(31)
        wait_for(lambda before=before: all_images(kube) != before,
                 what=f"tick {tick} to change a rollout outside my-demo")
    assert all_images(kube)["my-demo/rollouts-demo"] == "argoproj/rollouts-demo:yellow"
    assert paused(kube)["rollouts-demo"] == waiting
    kube.close()
