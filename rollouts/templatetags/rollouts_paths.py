"""`{% root_url "/" %}`: a link under ROLLOUTS_ROOT_PATH, also in fragments rendered outside a
request (where {% url %} would miss the prefix, see rollouts.paths)."""

from __future__ import annotations

from django import template

from rollouts import paths

register = template.Library()


@register.simple_tag
def root_url(path: str) -> str:
    return paths.url(path)
