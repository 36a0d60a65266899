"""The `Images:` list: running images tagged with the roles of the ReplicaSets that run them."""

from __future__ import annotations

from collections.abc import Sequence

from rollouts.info.model import ExperimentInfo, ImageInfo, ReplicaSetInfo


def _merge(image: ImageInfo, images: list[ImageInfo]) -> list[ImageInfo]:
    """Upstream mergeImageAndTags: a new image keeps its tags in role order; an image seen again
    gets the sorted union of tags. The list stays sorted by image."""
    found = next((i for i, existing in enumerate(images) if existing.image == image.image), None)
    if found is None:
        images.append(image)
    else:
        tags = tuple(sorted(set(image.tags) | set(images[found].tags)))
        images[found] = ImageInfo(image=image.image, tags=tags)
    images.sort(key=lambda info: info.image)
    return images


def _role_tags(rs: ReplicaSetInfo) -> tuple[str, ...]:
    roles = (
        ("canary", rs.canary),
        ("stable", rs.stable),
        ("active", rs.active),
        ("preview", rs.preview),
        ("ping", rs.ping),
        ("pong", rs.pong),
    )
    return tuple(tag for tag, on in roles if on)


def experiment_images(experiment: ExperimentInfo) -> list[ImageInfo]:
    images: list[ImageInfo] = []
    for rs in experiment.replicasets:
        if rs.replicas > 0:
            tags = (f"Σ:{rs.template}",) if rs.template else ()
            for image in rs.images:
                images = _merge(ImageInfo(image=image, tags=tags), images)
    return images


def rollout_images(
    replicasets: Sequence[ReplicaSetInfo], experiments: Sequence[ExperimentInfo]
) -> tuple[ImageInfo, ...]:
    """Only ReplicaSets with pods (status.replicas > 0) contribute, like upstream's Images()."""
    images: list[ImageInfo] = []
    for rs in replicasets:
        if rs.replicas > 0:
            for image in rs.images:
                images = _merge(ImageInfo(image=image, tags=_role_tags(rs)), images)
    for experiment in experiments:
        for image in experiment_images(experiment):
            images = _merge(image, images)
    return tuple(images)


def summary_images(
    replicasets: Sequence[ReplicaSetInfo], experiments: Sequence[ExperimentInfo], aborted: bool
) -> tuple[ImageInfo, ...]:
    """The dashboard's list: upstream's, with a role for every image it leaves untagged.

    An image only an old ReplicaSet still runs is "previous" (on its way down, after its
    scale-down delay); the canary of an aborted update is "aborted" as well as "canary". The
    CLI keeps upstream's `Images:` line, which has neither.
    """
    extra: dict[str, set[str]] = {}
    for rs in replicasets:
        if rs.replicas <= 0:
            continue
        tag = "aborted" if aborted and rs.canary else "" if _role_tags(rs) else "previous"
        for image in rs.images if tag else ():
            extra.setdefault(image, set()).add(tag)
    images = []
    for image in rollout_images(replicasets, experiments):
        more = extra.get(image.image, set())
        if image.tags:
            more.discard("previous")  # a stable or canary ReplicaSet runs it too: that role
        images.append(ImageInfo(image=image.image, tags=(*image.tags, *sorted(more))))
    return tuple(images)
