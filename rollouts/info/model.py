"""The info model: frozen dataclasses, each with `to_dict()` for JSON.

Field names follow upstream's RolloutInfo where one exists; timestamps are aware UTC datetimes
(None when absent or unreadable) and serialise as RFC3339 strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from rollouts.info.serialize import Model
from rollouts.info.traffic_model import TrafficInfo


@dataclass(frozen=True)
class EnvVarInfo(Model):
    """An env entry by name and where its value comes from; the value itself is never kept."""

    name: str
    source: str  # "value hidden", "secret db/password", "configmap …", "field …", "resource …"


@dataclass(frozen=True)
class ContainerInfo(Model):
    name: str
    image: str
    env: tuple[EnvVarInfo, ...] = ()


@dataclass(frozen=True)
class ImageInfo(Model):
    image: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContainerStateInfo(Model):
    """A container of a pod that is not simply running: why it waits or how it ended."""

    name: str
    image: str
    init: bool
    state: str  # waiting / terminated / running (running again after a termination)
    reason: str  # ErrImagePull, ImagePullBackOff, CrashLoopBackOff, Error, PodInitializing, ...
    message: str = ""
    exit_code: int | None = None  # of a terminated state
    restarts: int = 0
    last_reason: str = ""  # lastState.terminated: how the previous run ended
    last_exit_code: int | None = None


@dataclass(frozen=True)
class PodInfo(Model):
    name: str
    namespace: str
    uid: str
    created_at: datetime | None
    status: str  # kubectl-style: Running, Init:0/2, CrashLoopBackOff, Terminating, ExitCode:1, ...
    icon: str  # the CLI icon
    ui_class: str  # success / pending / failure / warning / unknown (the web UI's colour)
    ready: str  # "x/y"
    ready_containers: int
    total_containers: int
    restarts: int
    terminating: bool
    # Containers waiting or terminated (not the completed init containers), init ones first.
    container_states: tuple[ContainerStateInfo, ...] = ()


@dataclass(frozen=True)
class ReplicaSetInfo(Model):
    json_properties = ("tags",)

    name: str
    namespace: str
    uid: str
    created_at: datetime | None
    revision: int
    pod_template_hash: str
    status: str  # Healthy / Progressing / ReplicaFailure / ScaledDown
    icon: str
    stable: bool = False
    canary: bool = False
    active: bool = False
    preview: bool = False
    ping: bool = False
    pong: bool = False
    desired: int | None = None  # spec.replicas
    replicas: int = 0  # status.replicas
    available: int = 0
    ready: int = 0
    scale_down_deadline: datetime | None = None
    scale_down_deadline_raw: str = ""  # the annotation as written (the CLI prints delay: for it)
    template: str = ""  # experiment template name
    images: tuple[str, ...] = ()
    init_container_images: tuple[str, ...] = ()
    pods: tuple[PodInfo, ...] = ()

    @property
    def tags(self) -> tuple[str, ...]:
        """Role tags in the CLI's INFO order: stable, then canary|active|preview, then ping/pong."""
        tags = ["stable"] if self.stable else []
        if self.canary:
            tags.append("canary")
        elif self.active:
            tags.append("active")
        elif self.preview:
            tags.append("preview")
        tags += [tag for tag, on in (("ping", self.ping), ("pong", self.pong)) if on]
        return tuple(tags)


@dataclass(frozen=True)
class MeasurementInfo(Model):
    phase: str
    value: str
    message: str
    started_at: datetime | None
    finished_at: datetime | None
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MetricInfo(Model):
    name: str
    phase: str
    message: str = ""
    count: int = 0
    successful: int = 0
    failed: int = 0
    inconclusive: int = 0
    error: int = 0
    consecutive_error: int = 0
    measurements: tuple[MeasurementInfo, ...] = ()
    success_condition: str = ""
    failure_condition: str = ""
    failure_limit: int | None = None
    inconclusive_limit: int | None = None
    consecutive_error_limit: int | None = None
    count_limit: int | None = None  # spec count: how many measurements to take
    interval: str = ""
    provider: str = ""  # prometheus, web, job, datadog, ... (the provider's key)
    query: str = ""  # the provider's query text, when it has one


@dataclass(frozen=True)
class JobInfo(Model):
    name: str
    namespace: str
    status: str
    icon: str
    metric_name: str
    started_at: datetime | None


@dataclass(frozen=True)
class AnalysisRunInfo(Model):
    json_properties = ("label",)

    name: str
    namespace: str
    uid: str
    created_at: datetime | None
    revision: int
    phase: str
    icon: str
    message: str = ""
    successful: int = 0
    failed: int = 0
    inconclusive: int = 0
    error: int = 0
    rollout_type: str = ""  # label rollout-type: Step / Background / PrePromotion / PostPromotion
    step_index: int | None = None  # label step-index
    started_at: datetime | None = None
    completed_at: datetime | None = None
    metrics: tuple[MetricInfo, ...] = ()
    jobs: tuple[JobInfo, ...] = ()

    @property
    def label(self) -> str:
        """The web UI's button text: "Analysis" and the last two dash-segments of the name."""
        return "Analysis " + "-".join(self.name.split("-")[-2:])


@dataclass(frozen=True)
class ExperimentInfo(Model):
    name: str
    namespace: str
    uid: str
    created_at: datetime | None
    revision: int
    phase: str
    icon: str
    message: str = ""
    replicasets: tuple[ReplicaSetInfo, ...] = ()
    analysis_runs: tuple[AnalysisRunInfo, ...] = ()


@dataclass(frozen=True)
class RevisionInfo(Model):
    revision: int
    replicasets: tuple[ReplicaSetInfo, ...] = ()
    experiments: tuple[ExperimentInfo, ...] = ()
    analysis_runs: tuple[AnalysisRunInfo, ...] = ()


@dataclass(frozen=True)
class StepInfo(Model):
    index: int
    kind: str  # setWeight, pause, analysis, experiment, setCanaryScale, setHeaderRoute, ...
    label: str  # the web UI's label: "Set Weight: 20%", "Pause: 1m", "Set Header: name", ...
    detail: str  # a one-line human description of the step's parameters
    state: str  # done / current / pending
    set_weight: int | None = None
    pause_duration: timedelta | None = None
    pause_started_at: datetime | None = None
    pause_ends_at: datetime | None = None
    templates: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PauseConditionInfo(Model):
    reason: str
    started_at: datetime | None


@dataclass(frozen=True)
class ReplicaCounts(Model):
    desired: int
    current: int
    updated: int
    ready: int
    available: int


@dataclass(frozen=True)
class RolloutInfo(Model):
    json_properties = ("current_step",)

    name: str
    namespace: str
    uid: str
    resource_version: str
    generation: int | None
    labels: dict[str, str]
    annotations: dict[str, str]
    created_at: datetime | None
    status: str  # Healthy / Progressing / Paused / Degraded (or what the controller wrote)
    message: str
    icon: str
    strategy: str  # "Canary" | "BlueGreen" | ""
    step: str  # "N/M" or ""
    step_index: int | None
    step_count: int
    set_weight: int | None  # None where upstream prints nothing (blue-green)
    actual_weight: int | None
    max_weight: int
    weight_source: str  # "traffic-routing" | "pod-ratio" | "" (blue-green)
    replicas: ReplicaCounts
    images: tuple[ImageInfo, ...]
    summary_images: tuple[ImageInfo, ...]  # `images` with a role for each (the dashboard's)
    containers: tuple[ContainerInfo, ...]
    init_containers: tuple[ContainerInfo, ...]
    revisions: tuple[RevisionInfo, ...]
    replicasets: tuple[ReplicaSetInfo, ...]
    experiments: tuple[ExperimentInfo, ...]
    analysis_runs: tuple[AnalysisRunInfo, ...]
    steps: tuple[StepInfo, ...]
    pause_conditions: tuple[PauseConditionInfo, ...]
    paused: bool  # spec.paused (a manual pause)
    controller_pause: bool
    aborted: bool
    aborted_at: datetime | None
    restart_at: datetime | None
    restarted_at: datetime | None
    promote_full: bool
    current_pod_hash: str
    stable_rs: str
    fully_promoted: bool
    observed_generation: str
    needs_attention: bool
    errors: tuple[str, ...]
    warnings: tuple[str, ...]  # input problems we degraded around (malformed fields, ...)
    traffic: TrafficInfo
    # Why pods of a ReplicaSet the rollout needs are not available, in words ("" when none is
    # failing): "canary not available: 1 pod ImagePullBackOff (app: repo/app:bad)".
    stuck: str = ""

    @property
    def current_step(self) -> StepInfo | None:
        return next((step for step in self.steps if step.state == "current"), None)
