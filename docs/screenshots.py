"""Screenshots of the overview and a detail page, light and dark, at 1280 px wide.

Run it by hand against a running dashboard (e.g. `make run`, the demo cluster):

    .venv/bin/python docs/screenshots.py [--url http://127.0.0.1:3100] [--out docs]

It waits for the live connection, then writes overview-light.png, overview-dark.png,
detail-light.png and detail-dark.png (the detail page of the first paused rollout, or the one
given with --rollout NAMESPACE/NAME).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:3100")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--rollout", default="", help="NAMESPACE/NAME for the detail page")
    parser.add_argument("--height", type=int, default=800)
    return parser.parse_args()


def wait_live(page: Page) -> None:
    page.wait_for_selector("#live-status[data-state=live]", timeout=20_000)
    page.wait_for_timeout(600)  # let the ticking times settle


def detail_path(page: Page, wanted: str) -> str:
    if wanted:
        namespace, name = wanted.split("/", 1)
        return f"/rollouts/{namespace}/{name}"
    paused = page.locator('.row[data-status="Paused"]').first
    row = paused if paused.count() else page.locator(".row").first
    return row.get_attribute("data-url") or "/"


def shoot(args: argparse.Namespace) -> list[Path]:
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        path = ""
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport={"width": 1280, "height": args.height},
                                          color_scheme=scheme, device_scale_factor=1)
            page = context.new_page()
            page.goto(args.url + "/")
            wait_live(page)
            written.append(args.out / f"overview-{scheme}.png")
            page.screenshot(path=str(written[-1]))
            path = path or detail_path(page, args.rollout)
            page.goto(args.url + path)
            wait_live(page)
            written.append(args.out / f"detail-{scheme}.png")
            page.screenshot(path=str(written[-1]))
            context.close()
        browser.close()
    return written


if __name__ == "__main__":
    for written in shoot(parse_args()):
        print(written)
