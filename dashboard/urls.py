from __future__ import annotations

from django.urls import include, path

# No Django admin site: grants and tokens are managed with `manage.py access`.
urlpatterns = [
    path("", include("rollouts.access.urls")),
    path("", include("rollouts.urls")),
]
