"""Seeds: the state a simulated cluster starts from.

* ``empty``: the ``default``, ``kube-system`` and ``kube-public`` namespaces.
* ``demo``: the user's guide (namespace ``my-demo``, rollout ``rollouts-demo`` Healthy at 9/9 on
  ``argoproj/rollouts-demo:blue``) plus a few more rollouts in ``shop`` and ``batch``, each left
  mid-story (blue-green awaiting promotion, an analysis that failed, header and mirror routes, a
  DestinationRule subset split, a pod-ratio canary, a crash-looping canary). Built by running the
  simulated controllers offline and copying their end state, so it is exactly what the
  controllers would have left, with or without controllers running afterwards.
* a path to a YAML file of manifests (multi-document), applied in order (create or replace,
  status included); namespaces it uses but does not declare are created.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml

from simcluster.resources import resource_for_kind
from simcluster.store import Store

log = logging.getLogger("simcluster.seeds")

SEED_NAMES = ("demo", "empty")
BASE_NAMESPACES = ("default", "kube-system", "kube-public")


def apply_seed(store: Store, spec: str, *, clock: Any) -> None:
    ensure_namespaces(store, BASE_NAMESPACES)
    if spec == "empty":
        return
    if spec == "demo":
        from simcluster.seeds.demo import build_demo

        build_demo(store, clock)
        return
    path = Path(spec)
    if not path.is_file():
        raise ValueError(f"unknown seed {spec!r}: use one of {', '.join(SEED_NAMES)} or the path "
                         "of a YAML file of manifests")
    try:
        documents = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    except yaml.YAMLError as error:
        raise ValueError(f"seed file {path} is not valid YAML: {error}") from None
    apply_manifests(store, documents, source=str(path))


def ensure_namespaces(store: Store, names: tuple[str, ...] | list[str],
                      labels: dict[str, str] | None = None) -> None:
    for name in names:
        if store.get("namespaces", None, name) is None:
            body: dict[str, Any] = {"apiVersion": "v1", "kind": "Namespace",
                                    "metadata": {"name": name}}
            if labels:
                body["metadata"]["labels"] = dict(labels)
            store.create("namespaces", body)


def apply_manifests(store: Store, documents: list[Any], *, source: str = "manifests") -> list:
    """kubectl apply, roughly: create, or replace spec and status of what exists."""
    applied = []
    for index, doc in enumerate(documents):
        where = f"{source} document {index + 1}"
        if not isinstance(doc, dict):
            raise ValueError(f"{where}: a manifest must be a mapping, got {type(doc).__name__}")
        rtype = resource_for_kind(str(doc.get("apiVersion")), str(doc.get("kind")))
        if rtype is None:
            raise ValueError(f"{where}: simcluster does not serve "
                             f"{doc.get('apiVersion')}/{doc.get('kind')}")
        meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
        namespace = (meta.get("namespace") or "default") if rtype.namespaced else None
        if namespace:
            ensure_namespaces(store, [namespace])
        existing = store.get(rtype.key, namespace, str(meta.get("name") or ""))
        if existing is None:
            applied.append(store.create(rtype.key, doc, namespace=namespace))
            continue
        body = {**doc, "metadata": {**meta, "namespace": namespace}}
        body["metadata"].pop("resourceVersion", None)
        result = store.replace(rtype.key, body)
        if rtype.has_status and "status" in doc:
            result = store.replace(rtype.key, body, subresource="status")
        applied.append(result)
    return applied
