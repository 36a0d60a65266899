"""Pages and fragments carry no inline script, event handler, javascript: URL or style
attribute: the Content-Security-Policy would block them (and they are what an injection uses)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from tests.web.support import BEFORE_SCALE_DOWN, PAUSED_STEP1, PAUSED_STEP3, guide, store

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
BASE = "/rollouts/my-demo/rollouts-demo"


class InlineCode(HTMLParser):
    """Collects every piece of markup the policy would refuse."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}={value!r}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("fixture", [PAUSED_STEP1, PAUSED_STEP3, BEFORE_SCALE_DOWN])
@pytest.mark.parametrize("url", ["/", BASE, f"{BASE}/confirm/promote", f"{BASE}/confirm/abort",
                                 f"{BASE}/confirm/set-image?container=rollouts-demo",
                                 f"{BASE}/confirm/rollback?revision=1", "/rollouts/x/gone"])
def test_a_rendered_page_has_no_inline_code(client: Client, fixture: str, url: str) -> None:
    store(guide(fixture).objects())
    html = client.get(url).text
    assert "wbar" in html or "confirm" in url or "gone" in url  # the bars are what had style=
    assert inline_code(html) == []


def test_the_finder_sees_each_kind_of_inline_code() -> None:
    html = ('<script>x()</script><b onclick="x()"></b><i style="left:1%"></i>'
            '<a href=" JavaScript:x()"></a><style>b{}</style><script src="/s.js"></script>')
    assert len(inline_code(html)) == 5


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_no_template_has_inline_code(template: Path) -> None:
    assert inline_code(template.read_text(encoding="utf-8")) == []
