"""The mirror of the cluster and the history the cluster forgets.

Every mirrored object is keyed by (cluster, namespace, name): the dashboard will show several
clusters on one screen, and two clusters may well both have `my-demo/rollouts-demo`. The watcher
is the only writer of the mirror tables; web processes only read them.
"""

from __future__ import annotations

from django.db import models


class MirroredObject(models.Model):
    """The raw object as the API returned it, plus the columns we look it up by."""

    cluster = models.CharField(max_length=63)
    namespace = models.CharField(max_length=253)
    name = models.CharField(max_length=253)
    uid = models.CharField(max_length=64, db_index=True)
    resource_version = models.CharField(max_length=64)
    raw = models.JSONField()
    # When the watcher last wrote the row, not a cluster timestamp.
    mirrored_at = models.DateTimeField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.cluster}/{self.namespace}/{self.name}"


class OwnedObject(MirroredObject):
    # UID of the controller ownerReference: a Rollout or Experiment for ReplicaSets and
    # AnalysisRuns, a ReplicaSet for Pods. Lets one query gather a rollout's tree.
    owner_uid = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        abstract = True


def _unique(name: str) -> list[models.UniqueConstraint]:
    return [models.UniqueConstraint(fields=["cluster", "namespace", "name"], name=f"{name}_key")]


class Rollout(MirroredObject):
    """A Rollout, its computed info (the info model as JSON) and the columns the UI filters by."""

    info = models.JSONField(default=dict)
    phase = models.CharField(max_length=32, blank=True, db_index=True)
    message = models.TextField(blank=True)
    strategy = models.CharField(max_length=16, blank=True)
    step_index = models.IntegerField(null=True)
    step_count = models.IntegerField(default=0)
    set_weight = models.IntegerField(null=True)
    actual_weight = models.IntegerField(null=True)
    images = models.TextField(blank=True)
    labels = models.JSONField(default=dict)
    needs_attention = models.BooleanField(default=False)
    created_at = models.DateTimeField(null=True)
    # When what the info model shows last changed (not every resourceVersion bump).
    changed_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = _unique("rollout")
        indexes = [models.Index(fields=["cluster", "namespace"], name="rollout_ns")]


class ReplicaSet(OwnedObject):
    class Meta:
        constraints = _unique("replicaset")


class Pod(OwnedObject):
    class Meta:
        constraints = _unique("pod")


class AnalysisRun(OwnedObject):
    class Meta:
        constraints = _unique("analysisrun")


class Experiment(OwnedObject):
    class Meta:
        constraints = _unique("experiment")


class Service(MirroredObject):
    class Meta:
        constraints = _unique("service")


class VirtualService(MirroredObject):
    class Meta:
        constraints = _unique("virtualservice")


class DestinationRule(MirroredObject):
    class Meta:
        constraints = _unique("destinationrule")


class RolloutEvent(models.Model):
    """One entry of a rollout's timeline, derived from what the watch saw change."""

    cluster = models.CharField(max_length=63)
    namespace = models.CharField(max_length=253)
    name = models.CharField(max_length=253)
    rollout_uid = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField()
    # e.g. update-started, step-entered, step-left, paused, resumed, weight-changed, aborted,
    # retried, promoted, completed, degraded, recovered, created, deleted.
    kind = models.CharField(max_length=32)
    message = models.TextField()
    revision = models.IntegerField(null=True)
    step_index = models.IntegerField(null=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["cluster", "namespace", "name", "at"], name="event_rollout")
        ]

    def __str__(self) -> str:
        return f"{self.at:%H:%M:%S} {self.namespace}/{self.name} {self.kind}: {self.message}"


class ActionRecord(models.Model):
    """Who asked for what, what they saw, what we sent, and how it ended — successful or not."""

    class Outcome(models.TextChoices):
        OK = "ok"
        NOOP = "noop"  # nothing to send, e.g. promote-full of a fully promoted rollout
        REFUSED = "refused"  # the rollout moved on, or a precondition failed
        ERROR = "error"  # the cluster said no, or could not be reached

    cluster = models.CharField(max_length=63)
    namespace = models.CharField(max_length=253)
    name = models.CharField(max_length=253)
    actor = models.CharField(max_length=150, default="anonymous")  # the user name
    # Who the actor was at the time: groups then, how they signed in (local, oidc, proxy,
    # token, cli, anonymous, none), the token's name, and the client's address.
    actor_groups = models.JSONField(default=list)
    actor_method = models.CharField(max_length=16, blank=True)
    actor_token = models.CharField(max_length=150, blank=True)
    actor_address = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=16, default="api")  # ui, api, cli
    action = models.CharField(max_length=32)
    params = models.JSONField(default=dict)
    seen = models.JSONField(default=dict)  # the state the user acted on (step, resourceVersion, …)
    requests = models.JSONField(default=list)  # every request sent: method, path, patch type, body
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    message = models.TextField(blank=True)
    at = models.DateTimeField()
    duration_ms = models.IntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["cluster", "namespace", "name", "at"], name="action_rollout")
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.namespace}/{self.name}: {self.outcome}"


class ActionSlot(models.Model):
    """One rollout's turn-taking for actions, shared by every process on the database.

    `holder` is the process/thread holding the turn until `held_until` (a lease, so a crashed
    process cannot block the rollout for longer); `epoch` counts the actions that wrote to the
    cluster, so a request can tell that another action landed while it waited for its turn.
    """

    cluster = models.CharField(max_length=63)
    namespace = models.CharField(max_length=253)
    name = models.CharField(max_length=253)
    epoch = models.PositiveBigIntegerField(default=0)
    holder = models.CharField(max_length=128, blank=True)
    held_until = models.DateTimeField(null=True)
    last_action = models.CharField(max_length=32, blank=True)
    last_actor = models.CharField(max_length=150, blank=True)
    last_at = models.DateTimeField(null=True)

    class Meta:
        constraints = _unique("actionslot")

    def __str__(self) -> str:
        return f"{self.cluster}/{self.namespace}/{self.name} #{self.epoch}"


class AccessGrant(models.Model):
    """A role given to a user or a group in a scope (cluster and namespace, names or globs)."""

    role = models.CharField(max_length=150)
    subject_kind = models.CharField(max_length=8)  # user or group
    subject = models.CharField(max_length=150)
    cluster = models.CharField(max_length=253, default="*")
    namespace = models.CharField(max_length=253, default="*")
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["role", "subject_kind", "subject", "cluster", "namespace"],
            name="access_grant_key")]

    def __str__(self) -> str:
        return f"{self.subject_kind}:{self.subject} {self.role} {self.cluster}/{self.namespace}"


class ApiToken(models.Model):
    """A bearer token for automation: only its SHA-256 is kept, it is shown once at creation."""

    name = models.CharField(max_length=150, unique=True)
    role = models.CharField(max_length=150)
    cluster = models.CharField(max_length=253, default="*")
    namespaces = models.JSONField(default=list)  # globs; empty means every namespace
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150, blank=True)
    expires_at = models.DateTimeField(null=True)
    last_used_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"token {self.name} ({self.role})"


class ClusterStatus(models.Model):
    """The watcher's view of its connection, readable by every process (indicator, API 503s)."""

    cluster = models.CharField(max_length=63, unique=True)
    state = models.CharField(max_length=16)  # connecting, live, reconnecting, unreachable
    message = models.TextField(blank=True)
    # Per kind: synced / missing (CRD not installed) / error text.
    kinds = models.JSONField(default=dict)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.cluster}: {self.state}"
