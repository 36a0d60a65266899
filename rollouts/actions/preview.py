"""What an action will do next, in words, for the confirmation dialog.

`describe(info, action, params)` is the one entry point: pure, over the info dict
(`Rollout.info`), so the dialog the operator confirms says what the controller will do from the
state the dialog shows ("canary 20% → 40%, 1 more pod"). The rollout-level previews live in
`preview_steps`; the two that change the pod template (rollback, set image) are here.
"""

from __future__ import annotations

from typing import Any

from rollouts.actions import preview_steps as steps
from rollouts.actions.preview_steps import Preview, walk, weight_change

Info = dict[str, Any]


def _revision(info: Info, number: int) -> dict[str, Any]:
    for revision in info.get("revisions") or []:
        if isinstance(revision, dict) and revision.get("revision") == number:
            return revision
    return {}


def _images(revision: dict[str, Any]) -> list[str]:
    images: list[str] = []
    for rs in revision.get("replicasets") or []:
        if isinstance(rs, dict):
            images += [str(i) for i in rs.get("images") or [] if str(i) not in images]
    return images


def _stable_revision(info: Info) -> int | None:
    for rs in info.get("replicasets") or []:
        if isinstance(rs, dict) and rs.get("stable") is True:
            return rs.get("revision") if isinstance(rs.get("revision"), int) else None
    return None


def _new_update_lines(info: Info) -> tuple[str, list[str]]:
    """A new pod template starts a new update from the first step."""
    count = info.get("step_count") if isinstance(info.get("step_count"), int) else 0
    if info.get("strategy") != "Canary" or not count:
        return "a new revision is rolled out", ["The controller rolls out a new revision."]
    first = walk({**info, "set_weight": 0}, 0)
    lines = [f"The controller starts a new update from step 0/{count}."]
    if first.passed:
        lines.append(f"It runs {', '.join(first.passed)}.")
    lines.append(steps.stop_line(info, first))
    return weight_change({**info, "set_weight": 0}, first.weight), lines


def rollback(info: Info, revision: int) -> Preview:
    name = str(info.get("name") or "rollout")
    images = _images(_revision(info, revision))
    lines = [f"Puts revision {revision}'s pod template back into the rollout"
             + (f" ({', '.join(images)})." if images else ".")]
    if revision == _stable_revision(info):
        summary = f"back to stable revision {revision}, steps skipped"
        lines.append("That template is the stable one: the controller skips the steps, "
                     "sends traffic back to stable and scales the canary down.")
    else:
        summary, more = _new_update_lines(info)
        lines += more
    notes = ("If the rollout already runs that template, nothing is sent.",)
    return Preview(f"Roll {name} back to revision {revision}", summary, tuple(lines),
                   "Rollback", danger=True, notes=notes)


def set_image(info: Info, container: str = "", image: str = "") -> Preview:
    name = str(info.get("name") or "rollout")
    current = {str(c.get("name")): str(c.get("image")) for c in info.get("containers") or []
               if isinstance(c, dict)}
    lines = []
    if container and image:
        lines.append(f"Container {container}: {current.get(container, '?')} → {image}.")
    if steps.in_update(info):
        lines.append("The update in progress is replaced by this one.")
    summary, more = _new_update_lines(info)
    notes = ()
    if container in current and current[container] == image:
        notes = ("That is the image it runs already: the template does not change.",)
    return Preview(f"Set image of {name}", summary, tuple(lines + more), "Set image",
                   notes=notes)


def describe(info: Info, action: str, params: dict[str, Any] | None = None) -> Preview:
    """The preview of a UI action (promote, promote-full, abort, retry, pause, resume,
    restart, rollback with `revision`, set-image with `container` and `image`)."""
    params = params or {}
    info = info if isinstance(info, dict) else {}
    if action == "rollback":
        revision = params.get("revision")
        return rollback(info, revision if isinstance(revision, int) else 0)
    if action == "set-image":
        return set_image(info, str(params.get("container") or ""), str(params.get("image") or ""))
    simple = {
        "promote": steps.promote,
        "promote-full": steps.promote_full,
        "abort": steps.abort,
        "retry": steps.retry,
        "pause": steps.pause,
        "restart": steps.restart,
    }
    if action == "resume":
        return steps.promote(info, resume=True)
    if action not in simple:
        raise ValueError(f"no preview for action {action!r}")
    return simple[action](info)
