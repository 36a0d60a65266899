"""Kubeconfig files pointing at a simulated cluster (plain HTTP, a dummy token)."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

CONTEXT = "simcluster"


def kubeconfig_document(url: str, *, namespace: str = "default") -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": CONTEXT, "cluster": {"server": url}}],
        "users": [{"name": CONTEXT, "user": {"token": "simcluster-dummy-token"}}],
        "contexts": [{"name": CONTEXT, "context": {"cluster": CONTEXT, "user": CONTEXT,
                                                   "namespace": namespace}}],
        "current-context": CONTEXT,
        "preferences": {},
    }


def write_kubeconfig(url: str, path: str | os.PathLike[str], *,
                     namespace: str = "default") -> Path:
    """Write atomically (readers never see half a file); returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(yaml.safe_dump(kubeconfig_document(url, namespace=namespace),
                                      sort_keys=False))
    partial.chmod(0o600)
    partial.replace(target)
    return target
