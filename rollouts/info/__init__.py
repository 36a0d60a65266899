"""The pure Argo Rollouts info model: plain API dicts in, frozen dataclasses and CLI text out.

No Django, no Kubernetes client, no I/O and no clock: `now` is always passed in.
"""

from __future__ import annotations

from rollouts.info.build import build_rollout_info
from rollouts.info.durations import age_text, format_age, parse_duration
from rollouts.info.model import (
    AnalysisRunInfo,
    ContainerInfo,
    ExperimentInfo,
    ImageInfo,
    JobInfo,
    MeasurementInfo,
    MetricInfo,
    PauseConditionInfo,
    PodInfo,
    ReplicaCounts,
    ReplicaSetInfo,
    RevisionInfo,
    RolloutInfo,
    StepInfo,
)
from rollouts.info.objects import ClusterObjects
from rollouts.info.refs import (
    referenced_destinationrule,
    referenced_services,
    referenced_virtualservices,
)
from rollouts.info.text import render_list_text, render_rollout_text
from rollouts.info.traffic import DEFAULT_CONVERGENCE_GRACE
from rollouts.info.traffic_model import (
    AppliedWeights,
    DestinationInfo,
    DestinationRuleInfo,
    RouteInfo,
    ServiceInfo,
    TrafficInfo,
    VirtualServiceRef,
)

__all__ = [
    "DEFAULT_CONVERGENCE_GRACE",
    "AnalysisRunInfo",
    "AppliedWeights",
    "ClusterObjects",
    "ContainerInfo",
    "DestinationInfo",
    "DestinationRuleInfo",
    "ExperimentInfo",
    "ImageInfo",
    "JobInfo",
    "MeasurementInfo",
    "MetricInfo",
    "PauseConditionInfo",
    "PodInfo",
    "ReplicaCounts",
    "ReplicaSetInfo",
    "RevisionInfo",
    "RolloutInfo",
    "RouteInfo",
    "ServiceInfo",
    "StepInfo",
    "TrafficInfo",
    "VirtualServiceRef",
    "age_text",
    "build_rollout_info",
    "format_age",
    "parse_duration",
    "referenced_destinationrule",
    "referenced_services",
    "referenced_virtualservices",
    "render_list_text",
    "render_rollout_text",
]
