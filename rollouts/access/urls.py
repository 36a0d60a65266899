from __future__ import annotations

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path

from rollouts.access import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("signin", views.signin, name="signin"),
    path("signout", views.signout, name="signout"),
]
if settings.ROLLOUTS_AUTH == "oidc":
    # authenticate/ (to the provider), callback/ (back from it); sign-out is ours.
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
