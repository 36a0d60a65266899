"""Under ROLLOUTS_ROOT_PATH every URL must carry the prefix: no script builds '/ws/', '/api/',
'/healthz' or '/static/' URLs of its own, and no template links to an absolute path by hand
(they use {% url %}, {% static %}, {% root_url %} or a URL the view built)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A literal appended to something (`rootPath() + "/healthz"`) is under the prefix.
JS_PATH = re.compile(r"""(?<!\+ )["'`]/(ws|api|healthz|readyz|metrics|static|rollouts)\b""")
JS_HOME = re.compile(r"""location(\.href)?\s*=\s*["']/""")
TEMPLATE_PATH = re.compile(r"""(href|src|action|ws-connect|hx-get|hx-post|data-url)=["']/""")


def test_no_script_builds_an_absolute_path() -> None:
    found = [f"{path.name}:{n}: {line.strip()}"
             for path in sorted((ROOT / "static" / "js").glob("*.js"))
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if JS_PATH.search(line) or JS_HOME.search(line)]
    assert found == []


def test_no_template_links_to_an_absolute_path_by_hand() -> None:
    found = [f"{path.relative_to(ROOT)}:{n}"
             for path in sorted((ROOT / "templates").rglob("*.html"))
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if TEMPLATE_PATH.search(line)]
    assert found == []
