"""bench/live.py's browser side: overview pages in Chromium, timed from inside the page.

An init script's MutationObserver notes, for every `bench-<seq>` marker that appears in the DOM
(in an added node: the page replaces changed text nodes), the page's time
(`performance.timeOrigin + performance.now()`, epoch ms). htmx's `htmx:wsBeforeMessage` notes
when the message carrying it was taken up by the page, which splits the latency into "server +
network + waiting for the page's main thread" and "applying it".

Clock alignment: both clocks read this machine's wall clock, but a page's `timeOrigin` is taken
once at navigation, so the offset is measured rather than trusted: 20 times per page we read our
clock, the page's clock, ours again, and keep the sample with the shortest round trip; its offset
(page time minus the midpoint of ours) is known to within half that round trip (printed).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, async_playwright

from bench.live_outcome import Outcome, percentile
from bench.live_trace import CATEGORIES, summarise

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BUSY = ("TaskDuration", "ScriptDuration", "RecalcStyleDuration", "LayoutDuration")
OBSERVER = """
window.__seen = {};
new MutationObserver((records) => {
  const now = performance.timeOrigin + performance.now();
  for (const record of records) {
    for (const node of record.addedNodes) {
      for (const marker of (node.textContent || "").match(/bench-[0-9]+/g) || []) {
        if (!(marker in window.__seen)) window.__seen[marker] = now;
      }
    }
  }
}).observe(document, {childList: true, subtree: true});
window.__taken = {};
window.__work = {messages: 0, bytes: 0, swap: 0, after: 0};
let swapStarted = 0, swapEnded = 0;
const utf8 = new TextEncoder();
// Capturing on document, registered first: before the page's own listeners (which apply the
// message themselves and then fire wsAfterMessage, or leave it to htmx's swap).
document.addEventListener("htmx:wsBeforeMessage", (event) => {
  const now = performance.timeOrigin + performance.now();
  const message = String(event.detail.message);
  window.__work.messages += 1;
  window.__work.bytes += utf8.encode(message).length;
  swapStarted = performance.now();
  for (const marker of message.match(/bench-[0-9]+/g) || []) {
    if (!(marker in window.__taken)) window.__taken[marker] = now;
  }
}, true);
// Capturing on document runs before the page's own listeners (on body), bubbling after them.
document.addEventListener("htmx:wsAfterMessage", () => {
  swapEnded = performance.now();
  window.__work.swap += swapEnded - swapStarted;
}, true);
document.addEventListener("htmx:wsAfterMessage", () => {
  window.__work.after += performance.now() - swapEnded;
});
"""
RESET = "window.__work = {messages: 0, bytes: 0, swap: 0, after: 0}"


@dataclass
class Watched:
    """One browser page and what it received."""

    page: Page
    cdp: Any = None  # a DevTools session: the renderer's own time accounting
    offset: float = 0.0  # page clock minus our clock, seconds
    uncertainty: float = 0.0


async def align_clock(watched: Watched, samples: int = 20) -> None:
    best: tuple[float, float] | None = None
    for _ in range(samples):
        before = time.time()
        page_ms = await watched.page.evaluate("performance.timeOrigin + performance.now()")
        after = time.time()
        sample = (after - before, page_ms / 1000 - (before + after) / 2)
        best = sample if best is None or sample[0] < best[0] else best
    assert best is not None
    watched.uncertainty, watched.offset = best[0] / 2, best[1]


async def open_page(browser: Browser, url: str, rows: int) -> Watched:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.add_init_script(OBSERVER)
    page = await context.new_page()
    watched = Watched(page)
    await page.goto(url)
    await page.wait_for_function(
        f"() => document.querySelectorAll('#rollout-list [id^=\"row--\"]').length === {rows}",
        timeout=60_000)
    await align_clock(watched)
    watched.cdp = await context.new_cdp_session(page)
    await watched.cdp.send("Performance.enable")
    return watched


async def renderer_seconds(watched: Watched) -> dict[str, float]:
    """Cumulative main-thread seconds of the page's renderer, by kind (DevTools metrics)."""
    metrics = (await watched.cdp.send("Performance.getMetrics"))["metrics"]
    return {m["name"]: m["value"] for m in metrics if m["name"] in BUSY}


async def all_seen(pages: list[Watched], count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = [await w.page.evaluate("Object.keys(window.__seen).length") for w in pages]
        if min(seen) >= count:
            return
        await asyncio.sleep(0.25)


def page_notes(work: list[dict[str, float]], busy: list[dict[str, float]], taken: list[float],
               seconds: float, pages: list[Watched]) -> list[str]:
    notes = []
    if taken:
        ms = [value * 1000 for value in taken]
        notes.append(f"of which write -> message taken up by the page: "
                     f"p50 {percentile(ms, 0.5):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms")
    messages = statistics.fmean(w["messages"] for w in work)
    if messages:
        notes.append(
            f"each page: {messages / seconds:.1f} messages/s; per message "
            f"{statistics.fmean(w['swap'] for w in work) / messages:.1f} ms applying it "
            "(wsBeforeMessage to wsAfterMessage), "
            f"{statistics.fmean(w['after'] for w in work) / messages:.1f} ms in the page's "
            "after-message handlers")
    share = {name: statistics.fmean(b[name] for b in busy) / seconds * 100 for name in BUSY}
    notes.append(f"each page's renderer main thread busy {share['TaskDuration']:.0f}% of the "
                 f"run: script {share['ScriptDuration']:.0f}%, style "
                 f"{share['RecalcStyleDuration']:.0f}%, layout {share['LayoutDuration']:.0f}%")
    notes.append(f"clock alignment: within ±{max(w.uncertainty for w in pages) * 1000:.2f} ms")
    return notes


async def measure_pages(url: str, rows: int, count: int,
                        drive: Callable[[], Awaitable[tuple[dict[str, float], float]]],
                        trace: Path | None = None) -> Outcome:
    """Open `count` overview pages, run `drive()` (-> marker write times, run seconds);
    with `trace`, record a Chromium trace of the run there and summarise it."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = [await open_page(browser, url, rows) for _ in range(count)]
        await asyncio.sleep(2)  # let the pages and the publisher go quiet
        before = []
        for watched in pages:
            await watched.page.evaluate(RESET)
            before.append(await renderer_seconds(watched))
        if trace is not None:
            await browser.start_tracing(path=trace, categories=CATEGORIES)
        writes, seconds = await drive()
        if trace is not None:
            await browser.stop_tracing()
        after = [await renderer_seconds(w) for w in pages]
        busy = [{name: a[name] - b[name] for name in BUSY}
                for b, a in zip(before, after, strict=True)]
        await all_seen(pages, len(writes), timeout=10)
        latencies, taken, missing = [], [], 0
        for watched in pages:
            seen = await watched.page.evaluate("window.__seen")
            took = await watched.page.evaluate("window.__taken")
            for marker, written in writes.items():
                if marker in took:
                    taken.append(took[marker] / 1000 - watched.offset - written)
                if marker in seen:
                    latencies.append(seen[marker] / 1000 - watched.offset - written)
                else:
                    missing += 1
        work = [await w.page.evaluate("window.__work") for w in pages]
        await browser.close()
    wire = [int(w["bytes"]) for w in work]
    notes = page_notes(work, busy, taken, seconds, pages)
    if trace is not None:
        notes += summarise(trace, seconds, count)
    return Outcome(latencies, missing, wire, notes)
