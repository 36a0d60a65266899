from __future__ import annotations

import pytest

from rollouts.errors import ClusterConfigError
from rollouts.gateway import Gateway, get_gateway
from rollouts.kinds import ClusterConfig


def kubeconfig_with_two_contexts(path, url: str):
    path.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: first\n"
        f"clusters: [{{name: sim, cluster: {{server: '{url}'}}}}]\n"
        "users: [{name: u, user: {token: t}}]\n"
        "contexts:\n"
        "- {name: first, context: {cluster: sim, user: u}}\n"
        "- {name: second, context: {cluster: sim, user: u, namespace: my-demo}}\n"
    )
    return path


def test_a_missing_kubeconfig_is_a_clear_config_error(tmp_path):
    with pytest.raises(ClusterConfigError, match="cannot use kubeconfig .*nowhere"):
        Gateway(ClusterConfig(kubeconfig=str(tmp_path / "nowhere")))


def test_no_kubeconfig_outside_a_pod_says_what_to_set():
    with pytest.raises(ClusterConfigError, match="set KUBECONFIG"):
        Gateway(ClusterConfig(kubeconfig=""))


def test_an_unknown_context_is_a_config_error(simcluster, tmp_path):
    path = kubeconfig_with_two_contexts(tmp_path / "kc", simcluster.url)
    with pytest.raises(ClusterConfigError, match="context 'third'"):
        Gateway(ClusterConfig(kubeconfig=str(path), context="third"))


def test_the_default_namespace_comes_from_the_chosen_context(simcluster, tmp_path):
    path = kubeconfig_with_two_contexts(tmp_path / "kc", simcluster.url)
    assert Gateway(ClusterConfig(kubeconfig=str(path))).default_namespace == "default"
    second = Gateway(ClusterConfig(kubeconfig=str(path), context="second"))
    assert second.default_namespace == "my-demo"
    assert second.list("pods")[0] == []


def test_the_shared_gateway_follows_the_settings(simcluster, tmp_path, settings):
    settings.KUBECONFIG = str(kubeconfig_with_two_contexts(tmp_path / "kc", simcluster.url))
    settings.KUBE_CONTEXT = "second"
    first = get_gateway()
    assert get_gateway() is first
    settings.KUBE_CONTEXT = "first"
    assert get_gateway() is not first
    assert get_gateway().default_namespace == "default"
