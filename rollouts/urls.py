from __future__ import annotations

from django.urls import path

from rollouts import views

app_name = "rollouts"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("healthz", views.healthz, name="healthz"),
]
