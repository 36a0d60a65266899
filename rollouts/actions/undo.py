"""Undo: find the ReplicaSet of a revision and put its pod template back into the Rollout.

Pure functions, following `kubectl argo rollouts undo`: ReplicaSets are the ones the Rollout
controls (controller ownerReference), the revision is the `rollout.argoproj.io/revision`
annotation, the comparison ignores the pod-template-hash label and fields the Rollout leaves
unset, and the change is one JSON Patch replacing /spec/template.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from rollouts.actions.errors import BadInput, Refused
from rollouts.actions.plans import Plan, as_dict, as_list, rollout_name

REVISION_ANNOTATION = "rollout.argoproj.io/revision"
HASH_LABEL = "rollouts-pod-template-hash"
_INTEGER = re.compile(r"^[+-]?\d+$")


def selector_string(rollout: dict[str, Any]) -> str | None:
    """spec.selector as a label selector string (None: no selector, list everything)."""
    selector = as_dict(as_dict(rollout.get("spec")).get("selector"))
    terms = [f"{k}={v}" for k, v in sorted(as_dict(selector.get("matchLabels")).items())]
    for expression in as_list(selector.get("matchExpressions")):
        term = _expression_term(as_dict(expression))
        if term:
            terms.append(term)
    return ",".join(sorted(terms, key=_term_key)) or None


def _term_key(term: str) -> str:
    return re.split(r"[=!\s]", term.lstrip("!"), maxsplit=1)[0]


def _expression_term(expression: dict[str, Any]) -> str:
    key, operator = str(expression.get("key") or ""), expression.get("operator")
    values = ",".join(sorted(str(v) for v in as_list(expression.get("values"))))
    if not key:
        return ""
    return {
        "In": f"{key} in ({values})",
        "NotIn": f"{key} notin ({values})",
        "Exists": key,
        "DoesNotExist": f"!{key}",
    }.get(str(operator), "")


def controlled_by(obj: dict[str, Any], owner_uid: str) -> bool:
    """True when obj's controller ownerReference points at owner_uid."""
    for ref in as_list(as_dict(obj.get("metadata")).get("ownerReferences")):
        if isinstance(ref, dict) and ref.get("controller") is True:
            return bool(owner_uid) and ref.get("uid") == owner_uid
    return False


def revision_of(replicaset: dict[str, Any]) -> int | None:
    """The revision annotation: 0 when missing, None when unparsable (such RSs are skipped)."""
    annotations = as_dict(as_dict(replicaset.get("metadata")).get("annotations"))
    if REVISION_ANNOTATION not in annotations:
        return 0
    value = str(annotations[REVISION_ANNOTATION])
    return int(value) if _INTEGER.match(value) else None


def pick_replicaset(
    rollout: dict[str, Any], replicasets: list[dict[str, Any]], to_revision: int
) -> tuple[dict[str, Any], int]:
    """The ReplicaSet to roll back to and its revision; 0 means the previous revision."""
    uid = str(as_dict(rollout.get("metadata")).get("uid") or "")
    latest: tuple[int, dict[str, Any] | None] = (-1, None)
    previous: tuple[int, dict[str, Any] | None] = (-1, None)
    for rs in replicasets:
        revision = revision_of(rs) if controlled_by(rs, uid) else None
        if revision is None:
            continue
        if to_revision == 0:
            if latest[0] < revision:
                previous, latest = latest, (revision, rs)
            elif previous[0] < revision:
                previous = (revision, rs)
        elif revision == to_revision:
            return rs, revision
    if to_revision > 0:
        raise BadInput(f"unable to find specified revision {to_revision} in history",
                       reason="RevisionNotFound")
    if previous[1] is None:
        raise Refused(f'no revision found for rollout "{rollout_name(rollout)}"',
                      reason="NoRevision")
    return previous[1], previous[0]


def derivative(seen: Any, other: Any) -> bool:
    """Semantic "derivative" equality: fields unset in `seen` (None, "", {}, []) are ignored."""
    if seen is None:
        return True
    if isinstance(seen, dict):
        if not seen:
            return True
        if not isinstance(other, dict) or len(seen) > len(other):
            return False
        return all(key in other and derivative(value, other[key]) for key, value in seen.items())
    if isinstance(seen, list):
        if not seen:
            return True
        if not isinstance(other, list) or len(seen) > len(other):
            return False
        return all(derivative(a, b) for a, b in zip(seen, other, strict=False))
    if isinstance(seen, str) and seen == "":
        return True
    return type(seen) is type(other) and seen == other


def template_without_hash(template: Any) -> dict[str, Any]:
    result = copy.deepcopy(as_dict(template))
    labels = as_dict(result.get("metadata")).get("labels")
    if isinstance(labels, dict):
        labels.pop(HASH_LABEL, None)
        if not labels:
            # An empty map is omitted when upstream marshals the template.
            del result["metadata"]["labels"]
    return result


def plan_undo(rollout: dict[str, Any], replicasets: list[dict[str, Any]], to_revision: int) -> Plan:
    name = rollout_name(rollout)
    if "workloadRef" in as_dict(rollout.get("spec")):
        raise BadInput(
            f"rollout '{name}' uses spec.workloadRef: roll back the referenced workload, "
            "this dashboard does not edit Deployments",
            reason="Unsupported",
        )
    replicaset, revision = pick_replicaset(rollout, replicasets, to_revision)
    target = template_without_hash(as_dict(replicaset.get("spec")).get("template"))
    current = as_dict(rollout.get("spec")).get("template")
    if isinstance(current, dict) and derivative(template_without_hash(current), target):
        return Plan(f"skipped rollback (current template already matches revision {revision})")
    patch = [{"op": "replace", "path": "/spec/template", "value": target}]
    return Plan(f"rollout '{name}' undo", main_patch=patch, main_patch_type="json",
                error_prefix=f"failed restoring revision {revision}: ")
