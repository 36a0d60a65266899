"""Text output identical to `kubectl argo rollouts get rollout` and `list rollouts`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rollouts.info.durations import age_text, format_age
from rollouts.info.model import (
    AnalysisRunInfo,
    ExperimentInfo,
    ImageInfo,
    JobInfo,
    ReplicaSetInfo,
    RevisionInfo,
    RolloutInfo,
)
from rollouts.info.status import ICON_BAD, ICON_OK, ICON_UNKNOWN, ICON_WARNING
from rollouts.info.tabwriter import tabwrite

ICON_ROLLOUT = "⟳"
ICON_REVISION = "#"
ICON_REPLICASET = "⧉"
ICON_POD = "□"
ICON_JOB = "⊞"
ICON_EXPERIMENT = "Σ"
ICON_ANALYSIS = "α"

# Upstream's colour per icon, role tag and analysis phase; anything else gets code 0 (reset).
_COLORS = {
    "◷": 33,
    "◌": 94,
    "⚠": 31,
    "?": 33,
    "✔": 32,
    "✖": 31,
    "canary": 33,
    "stable": 32,
    "active": 32,
    "preview": 94,
    "ping": 94,
    "pong": 94,
    "Pending": 94,
    "Running": 94,
}
_ROW = "{}{} {}\t{}\t{} {}\t{}\t{}\n"


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def word(self, text: str) -> str:
        return self.status(text, text)

    def status(self, text: str, status: str) -> str:
        if not self.color:
            return text
        return f"\x1b[{_COLORS.get(status, 0)}m{text}\x1b[0m"


def _field(label: str, value: object) -> str:
    return f"{label:<17}{value}\n"


def _prefixes(is_last: bool, sub_prefix: str) -> tuple[str, str]:
    if is_last:
        return sub_prefix + "└──", sub_prefix + "   "
    return sub_prefix + "├──", sub_prefix + "│  "


def _image(image: ImageInfo, paint: _Painter) -> str:
    if not image.tags:
        return image.image
    return f"{image.image} ({', '.join(paint.word(tag) for tag in image.tags)})"


def _header(info: RolloutInfo, paint: _Painter) -> str:
    text = _field("Name:", info.name) + _field("Namespace:", info.namespace)
    text += _field("Status:", f"{paint.word(info.icon)} {info.status}")
    if info.message:
        text += _field("Message:", info.message)
    text += _field("Strategy:", info.strategy)
    if info.strategy == "Canary":
        text += _field("  Step:", info.step)
        text += _field("  SetWeight:", "" if info.set_weight is None else info.set_weight)
        text += _field("  ActualWeight:", "" if info.actual_weight is None else info.actual_weight)
    for index, image in enumerate(info.images):
        text += _field("Images:" if index == 0 else "", _image(image, paint))
    text += "Replicas:\n"
    counts = info.replicas
    for label, value in (
        ("  Desired:", counts.desired),
        ("  Current:", counts.current),
        ("  Updated:", counts.updated),
        ("  Ready:", counts.ready),
        ("  Available:", counts.available),
    ):
        text += _field(label, value)
    return text


def _delay(rs: ReplicaSetInfo, now: datetime) -> str:
    if rs.scale_down_deadline is None:
        return ""  # upstream prints a bare "delay:" for an unparsable deadline
    if rs.scale_down_deadline < now:
        return "passed"
    return format_age(rs.scale_down_deadline - now)


class _Tree:
    def __init__(self, now: datetime, paint: _Painter) -> None:
        self.now, self.paint, self.rows = now, paint, ["NAME\tKIND\tSTATUS\tAGE\tINFO\n"]

    def row(
        self,
        prefix: str,
        icon: str,
        name: str,
        kind: str,
        status_icon: str,
        status: str,
        age: str,
        extra: str,
    ) -> None:
        self.rows.append(_ROW.format(prefix, icon, name, kind, status_icon, status, age, extra))

    def rollout(self, info: RolloutInfo) -> None:
        age = age_text(info.created_at, self.now)
        self.row(
            "", ICON_ROLLOUT, info.name, "Rollout", self.paint.word(info.icon), info.status, age, ""
        )
        for index, revision in enumerate(info.revisions):
            prefix, sub = _prefixes(index == len(info.revisions) - 1, "")
            self.revision(revision, prefix, sub)

    def revision(self, revision: RevisionInfo, prefix: str, sub: str) -> None:
        self.row(prefix, ICON_REVISION, f"revision:{revision.revision}", "", "", "", "", "")
        children = [
            *((self.replicaset, rs) for rs in revision.replicasets),
            *((self.experiment, exp) for exp in revision.experiments),
            *((self.analysis_run, run) for run in revision.analysis_runs),
        ]
        for index, (draw, child) in enumerate(children):
            draw(child, *_prefixes(index == len(children) - 1, sub))

    def replicaset(self, rs: ReplicaSetInfo, prefix: str, sub: str) -> None:
        name = rs.name
        for tag in rs.tags:
            name = self.paint.status(name, tag)  # upstream re-wraps per tag
        extra = [self.paint.word(tag) for tag in rs.tags]
        if rs.scale_down_deadline_raw:
            extra.append(f"delay:{_delay(rs, self.now)}")
        self.row(
            prefix,
            ICON_REPLICASET,
            name,
            "ReplicaSet",
            self.paint.word(rs.icon),
            rs.status,
            age_text(rs.created_at, self.now),
            ",".join(extra),
        )
        for index, pod in enumerate(rs.pods):
            pod_prefix, _ = _prefixes(index == len(rs.pods) - 1, sub)
            extra = [f"ready:{pod.ready}"] + ([f"restarts:{pod.restarts}"] if pod.restarts else [])
            self.row(
                pod_prefix,
                ICON_POD,
                pod.name,
                "Pod",
                self.paint.word(pod.icon),
                pod.status,
                age_text(pod.created_at, self.now),
                ",".join(extra),
            )

    def analysis_run(self, run: AnalysisRunInfo, prefix: str, sub: str) -> None:
        counters = (
            (ICON_OK, run.successful),
            (ICON_BAD, run.failed),
            (ICON_UNKNOWN, run.inconclusive),
            (ICON_WARNING, run.error),
        )
        extra = ",".join(f"{self.paint.word(icon)} {n}" for icon, n in counters if n > 0)
        self.row(
            prefix,
            ICON_ANALYSIS,
            self.paint.status(run.name, run.phase),
            "AnalysisRun",
            self.paint.word(run.icon),
            run.phase,
            age_text(run.created_at, self.now),
            extra,
        )
        for index, job in enumerate(run.jobs):
            self.job(job, *_prefixes(index == len(run.jobs) - 1, sub))

    def job(self, job: JobInfo, prefix: str, sub: str) -> None:
        self.row(
            prefix,
            ICON_JOB,
            self.paint.status(job.name, job.status),
            "Job",
            self.paint.word(job.icon),
            job.status,
            age_text(job.started_at, self.now),
            "",
        )

    def experiment(self, exp: ExperimentInfo, prefix: str, sub: str) -> None:
        self.row(
            prefix,
            ICON_EXPERIMENT,
            self.paint.status(exp.name, exp.phase),
            "Experiment",
            self.paint.word(exp.icon),
            exp.phase,
            age_text(exp.created_at, self.now),
            "",
        )
        children = [
            *((self.replicaset, rs) for rs in exp.replicasets),
            *((self.analysis_run, run) for run in exp.analysis_runs),
        ]
        for index, (draw, child) in enumerate(children):
            draw(child, *_prefixes(index == len(children) - 1, sub))


def render_rollout_text(info: RolloutInfo, now: datetime, color: bool = False) -> str:
    """`kubectl argo rollouts get rollout NAME` (with `--no-color` unless `color`)."""
    paint = _Painter(color)
    tree = _Tree(now, paint)
    tree.rollout(info)
    return _header(info, paint) + "\n" + tabwrite("".join(tree.rows))


def render_list_text(infos: Sequence[RolloutInfo], show_namespace: bool = False) -> str:
    """`kubectl argo rollouts list rollouts` (`--all-namespaces` adds NAMESPACE)."""
    if not infos:
        return "No resources found.\n"
    header = "NAME\tSTRATEGY\tSTATUS\tSTEP\tSET-WEIGHT\tREADY\tDESIRED\tUP-TO-DATE\tAVAILABLE\n"
    rows = ["NAMESPACE\t" + header if show_namespace else header]
    for info in infos:
        counts = info.replicas
        cells = [
            f"{info.name:<10}",
            f"{info.strategy or 'unknown':<9}",
            f"{info.status:<12}",
            f"{info.step or '-':<4}",
            f"{'-' if info.set_weight is None else info.set_weight:<10}",
            f"{f'{counts.ready}/{counts.current}':<5}",
            f"{counts.desired:<7}",
            f"{counts.updated:<10}",
            f"{counts.available:<9}",
        ]
        rows.append("\t".join(([f"{info.namespace:<9}"] if show_namespace else []) + cells) + "\n")
    return tabwrite("".join(rows))
