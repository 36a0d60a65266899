"""The overview row's markup, written out in Python: the one renderer of `#row--…`.

Every change of a rollout renders its row once, and every page load renders the rows whose
cached HTML is stale; the template engine spent most of that time resolving variables and
walking nodes. This module writes the very markup `templates/rollouts/_row.html` describes,
byte for byte — that template stays the readable reference, and
tests/web/test_row_renderer.py holds the two to each other over every fixture and hostile
strings. Change both together.

Values are formatted and escaped exactly as the template engine does (`localize`, then
`conditional_escape`; a missing key is "", a None is "None"), the tags come from the same
template-tag functions, and the result goes through the same `strip_spaces_between_tags`
as `{% spaceless %}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.formats import localize
from django.utils.html import conditional_escape, strip_spaces_between_tags

from rollouts.templatetags.rollouts_ui import age, weight_bar


def _e(value: Any) -> str:
    return conditional_escape(localize(value))


def _icon(name: str) -> str:
    # Without the icon tag's class: the row styles its icons by position (dashboard.css).
    return f'<svg aria-hidden="true"><use href="#{_e(name)}"/></svg>'


def _get(mapping: Any, name: str) -> Any:
    """`mapping.name` as a template resolves it, "" when there is nothing by that name."""
    if isinstance(mapping, Mapping):
        return mapping.get(name, "")
    return getattr(mapping, name, "")


def row(context: Mapping[str, Any]) -> str:
    """`rollouts/_row.html` rendered with `context` (`fragments.row_context`)."""
    info, look, key = context["info"], context["look"], context["key"]
    html = "".join((
        _root(context, info, look, key),
        _status_cell(look), _name_cell(context, key), _strategy_cell(info),
        _step_cell(info), _weight_cell(context), _replicasets_cell(context),
        '<div class="c-changed" role="cell">', age(context["changed_at"], False), "</div>",
        _actions_cell(context["actions"]), "</article>",
    ))
    return strip_spaces_between_tags(html) + "\n"


def _root(context: Mapping[str, Any], info: Any, look: Any, key: Any) -> str:
    attention = ' data-attention="1"' if _get(info, "needs_attention") else ""
    return (f'<article id="{_e(context["id"])}" class="row" hx-swap-oob="true" role="row" '
            f'data-name="{_e(key.name)}" data-namespace="{_e(key.namespace)}" '
            f'data-status="{_e(look.status)}" data-step="{_e(context["step_value"])}" '
            f'data-changed="{_e(context["changed"])}" data-labels="{_e(context["labels"])}"'
            f'{attention}>')


def _status_cell(look: Any) -> str:
    message = f'<small class="msg">{_e(look.message)}</small>' if look.message else ""
    return (f'<div role="cell"><span class="status is-{_e(look.css)}">{_icon(look.icon)}'
            f'<b>{_e(look.status)}</b></span>{message}</div>')


def _name_cell(context: Mapping[str, Any], key: Any) -> str:
    return (f'<div role="cell"><a class="name" href="{_e(context["url"])}">{_e(key.name)}</a>'
            f'<span class="ns">{_e(key.namespace)}</span></div>')


def _strategy_cell(info: Any) -> str:
    strategy = _get(info, "strategy")
    if not strategy:
        return '<div role="cell"></div>'
    return (f'<div role="cell"><span class="badge badge--{_e(str(strategy).lower())}">'
            f'{_e(strategy)}</span></div>')


def _step_cell(info: Any) -> str:
    step = _get(info, "step")
    if not step:
        return '<div role="cell"><span class="muted">—</span></div>'
    label = _get(_get(info, "current_step"), "label")
    small = f"<small>{_e(label)}</small>" if label else ""
    return f'<div role="cell"><span class="stepno">{_e(step)}</span>{small}</div>'


def _weight_cell(context: Mapping[str, Any]) -> str:
    if context["bar"]:
        body = weight_bar(context["bar"])
    elif context["bluegreen"]:
        body = f'<span class="bg">{_e(context["bluegreen"])}</span>'
    else:
        body = '<span class="muted">—</span>'
    return f'<div role="cell">{body}</div>'


def _replicasets_cell(context: Mapping[str, Any]) -> str:
    parts = ['<div role="cell">']
    for rs in context["replicasets"]:
        tags = "".join(f'<span class="tag tag--{_e(tag)}">{_e(tag)}</span>'
                       for tag in _get(rs, "tags"))
        parts.append(
            f'<div class="rs" title="{_e(_get(rs, "name"))} · {_e(_get(rs, "status"))}">'
            f'<span class="rs-rev">#{_e(_get(rs, "revision"))}</span>{tags}'
            f'<span class="img" title="{_e(_get(rs, "image_title"))}">{_e(_get(rs, "image"))}'
            f'</span>{_e(_get(rs, "dots"))}</div>')
    if not context["replicasets"]:
        parts.append('<span class="muted">no ReplicaSets</span>')
    hidden = context["hidden_replicasets"]
    if hidden:
        parts.append(f'<small class="muted">+{_e(hidden)} scaled down</small>')
    parts.append("</div>")
    return "".join(parts)


def _actions_cell(actions: Any) -> str:
    buttons = []
    for a in actions:
        danger = ' class="btn--danger"' if a.danger else ""
        disabled = "" if a.enabled else " disabled"
        buttons.append(
            f'<button{danger} data-act="{_e(a.action)}" title="{_e(a.reason)}"{disabled}>'
            f'{_icon("i-" + str(a.action))}{_e(a.label)}</button>')
    return f'<div role="cell">{"".join(buttons)}</div>'
