"""Every upstream example manifest applies with plain `kubectl apply -f` (validation on).

Two files are left out because no API server could take them: `traffic-management/
rollout-linkerd.yaml` is not valid YAML (an unquoted `{{args.linkerd-enabled}}` template), and
`notifications/kustomization.yaml` is kustomize input for `kubectl apply -k`, not a resource.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simcluster.resources import resource_for_kind
from tests.simcluster.conftest import run_kubectl

pytestmark = pytest.mark.kubectl
NOT_MANIFESTS = {"rollout-linkerd.yaml", "kustomization.yaml"}


def _documents(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _manifest_dirs(upstream: Path) -> dict[Path, list[Path]]:
    groups: dict[Path, list[Path]] = {}
    for root in ("examples", "getting-started"):
        for path in sorted((upstream / root).rglob("*.yaml")):
            if path.name not in NOT_MANIFESTS:
                groups.setdefault(path.parent, []).append(path)
    return groups


def test_the_left_out_files_really_are_not_manifests(upstream):
    linkerd = upstream / "examples" / "traffic-management" / "rollout-linkerd.yaml"
    with pytest.raises(yaml.YAMLError):
        _documents(linkerd)
    kustomization = _documents(upstream / "examples" / "notifications" / "kustomization.yaml")
    assert kustomization[0]["kind"] == "Kustomization"
    assert "name" not in kustomization[0].get("metadata", {})


def test_every_upstream_example_applies_and_is_stored(sim, kubectl, upstream):
    for directory, files in _manifest_dirs(upstream).items():
        documents = [doc for path in files for doc in _documents(path)]
        declared = {d["metadata"]["namespace"] for d in documents
                    if d.get("metadata", {}).get("namespace")}
        for name in declared | {_namespace_for(upstream, directory)}:
            if sim.store.get("namespaces", None, name) is None:
                sim.store.create("namespaces", {"metadata": {"name": name}})
        namespace_args = [] if declared else ["-n", _namespace_for(upstream, directory)]
        args = [arg for path in files for arg in ("-f", str(path))]
        result = run_kubectl(kubectl, sim, "apply", *namespace_args, *args)
        assert result.returncode == 0, f"{directory}: {result.stderr}"
        lines = result.stdout.strip().split("\n")
        assert len(lines) == len(documents), result.stdout
        assert all(line.rsplit(" ", 1)[1] in ("created", "configured", "unchanged")
                   for line in lines), result.stdout
        for doc in documents:
            _assert_stored(sim, doc, doc.get("metadata", {}).get("namespace")
                           or _namespace_for(upstream, directory))


def _namespace_for(upstream: Path, directory: Path) -> str:
    relative = directory.relative_to(upstream).as_posix()
    return relative.replace("/", "-").replace("_", "-").lower()


def _assert_stored(sim, doc: dict, namespace: str) -> None:
    rtype = resource_for_kind(doc["apiVersion"], doc["kind"])
    assert rtype is not None, f"{doc['apiVersion']} {doc['kind']} is not served"
    stored = sim.store.get(rtype.key, namespace if rtype.namespaced else None,
                           doc["metadata"]["name"])
    assert stored is not None, f"{doc['kind']} {doc['metadata']['name']} was not stored"
    assert stored.get("spec") == doc.get("spec") or doc["kind"] in ("Service", "Namespace")
