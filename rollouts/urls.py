from __future__ import annotations

from django.urls import path

from rollouts import api, probes, views

app_name = "rollouts"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", probes.readyz, name="readyz"),
    path("metrics", probes.metrics, name="metrics"),
    # Pages and the buttons' endpoints (rollouts/views.py).
    path("rollouts/<str:namespace>/<str:name>", views.detail, name="detail"),
    path("rollouts/<str:namespace>/<str:name>/confirm/<str:action>", views.confirm,
         name="confirm"),
    path("rollouts/<str:namespace>/<str:name>/actions/<str:action>", views.act, name="act"),
    # JSON API (rollouts/api.py); the specific GETs come before the catch-all action POST.
    path("api/v1/rollouts", api.rollouts, name="api-rollouts"),
    path("api/v1/rollouts/<str:namespace>/<str:name>", api.rollout, name="api-rollout"),
    path("api/v1/rollouts/<str:namespace>/<str:name>/timeline", api.timeline,
         name="api-timeline"),
    path("api/v1/rollouts/<str:namespace>/<str:name>/actions", api.actions, name="api-actions"),
    path("api/v1/rollouts/<str:namespace>/<str:name>/<str:action>", api.action,
         name="api-action"),
]
