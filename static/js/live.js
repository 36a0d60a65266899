/* The websocket's messages, applied with plain DOM calls.

   htmx's ws extension keeps the connection (reconnects, its events); what it receives is
   applied here instead of by htmx's out-of-band swap, which costs milliseconds per element
   (settle bookkeeping, processing every new node for htmx attributes, cleaning up every old
   one) and, at a few dozen rows a second, kept a page's main thread busy all the time.
   A frame is parsed once; each top-level element does what its `hx-swap-oob` says:
     "true"                    replace the element with the same id (morph.js: in place)
     "delete"                  remove the element with that id
     "cells:0,6"               a row's new root attributes and only its changed cells, in
                               that order (rollouts/live/patches.py): morphed in place
     "beforeend:#id"           append the element's children to #id
   Anything else is left to htmx (the frame is not touched here). Then the overview's list
   is told which rows changed, new elements get their times ticked, the keyboard focus is
   put back, and `htmx:wsAfterMessage` fires as htmx would have fired it. */
(function () {
  "use strict";

  var R = window.Rollouts = window.Rollouts || {};
  // Elements that need htmx.process (live fragments have none today; a future one might).
  var HTMX_ATTRIBUTES = ["hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete", "hx-trigger",
    "hx-boost", "hx-ext", "ws-connect", "ws-send", "sse-connect"];
  var NEEDS_HTMX = HTMX_ATTRIBUTES.map(function (a) { return "[" + a + "],[data-" + a + "]"; }).join(",");

  function parse(message) {
    var template = document.createElement("template");
    template.innerHTML = message;
    return Array.prototype.slice.call(template.content.children);
  }

  /* What each element will do, or null when one of them is not ours to apply. */
  function plan(elements) {
    var steps = [];
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      var spec = el.getAttribute("hx-swap-oob") || "true";
      if (spec === "true" || spec === "outerHTML" || spec === "delete") {
        if (!el.id) return null;
        steps.push({ kind: spec === "delete" ? "delete" : "replace", el: el, target: el.id });
      } else if (/^cells:(\d+(,\d+)*)?$/.test(spec) && el.id) {
        var cells = spec.slice(6) ? spec.slice(6).split(",").map(Number) : [];
        steps.push({ kind: "cells", el: el, target: el.id, cells: cells });
      } else if (spec.indexOf("beforeend:#") === 0 && /^[A-Za-z][\w-]*$/.test(spec.slice(11))) {
        steps.push({ kind: "append", el: el, target: spec.slice(11) });
      } else {
        return null;
      }
    }
    return steps;
  }

  function apply(steps) {
    var changes = { replaced: [], added: [], removed: [] };
    steps.forEach(function (step) {
      var target = document.getElementById(step.target);
      if (!target) {
        // As htmx does: nothing to swap with; the next snapshot heals a page that lost it.
        if (window.htmx) htmx.trigger(document.body, "htmx:oobErrorNoTarget", { content: step.el });
      } else if (step.kind === "replace") {
        changes.replaced.push([target, R.morph(target, step.el)]);
      } else if (step.kind === "cells") {
        changes.replaced.push([target, R.morphCells(target, step.el, step.cells)]);
      } else if (step.kind === "delete") {
        target.remove();
        changes.removed.push(target);
      } else {
        var children = Array.prototype.slice.call(step.el.children);
        target.append.apply(target, children);
        changes.added.push.apply(changes.added, children);
      }
    });
    return changes;
  }

  function arrived(el) {
    R.times.arrived(el);
    if (window.htmx && (el.matches(NEEDS_HTMX) || el.querySelector(NEEDS_HTMX))) htmx.process(el);
  }

  function onMessage(event) {
    var detail = event.detail;
    var steps = null;
    try { steps = plan(parse(String(detail.message))); } catch (e) { steps = null; }
    if (!steps) return;  // htmx applies it
    event.preventDefault();
    rememberFocus();
    try {
      var changes = apply(steps);
      R.overview.swapped(changes);
      changes.replaced.forEach(function (pair) { arrived(pair[1]); });
      changes.added.forEach(arrived);
    } catch (error) {
      // Half applied: read the list again rather than trust what was noted. The next
      // snapshot (a reconnect) puts the rest right.
      console.error("rollouts: could not apply a live message", error);
      R.overview.rebuild();
    }
    restoreFocus();
    if (window.htmx) {
      htmx.trigger(event.target, "htmx:wsAfterMessage",
        { message: detail.message, socketWrapper: detail.socketWrapper, appliedBy: "rollouts" });
    }
  }

  // A frame htmx applied itself (not one of ours): the list may have changed in any way.
  function afterHtmxMessage(event) {
    if (event.detail && event.detail.appliedBy === "rollouts") return;
    R.overview.rebuild();
    R.times.arrived(document);
  }

  /* --- focus: a live swap replaces the element that held it -------------------------------- */

  var focused = null;

  function rememberFocus() {
    var el = document.activeElement;
    var holder = el && el !== document.body ? el.closest("[id]") : null;
    focused = holder && el.dataset.act ? { id: holder.id, act: el.dataset.act,
      revision: el.dataset.revision || "", container: el.dataset.container || "" } : null;
  }

  // Put the focus back on the successor (same fragment id, same button) so keyboard users
  // do not lose their place.
  function restoreFocus() {
    if (!focused || (document.activeElement && document.activeElement !== document.body)) return;
    var holder = document.getElementById(focused.id);
    if (!holder) return;
    var match = Array.prototype.find.call(holder.querySelectorAll("[data-act]"), function (b) {
      return b.dataset.act === focused.act && (b.dataset.revision || "") === focused.revision &&
        (b.dataset.container || "") === focused.container;
    });
    if (match) match.focus();
  }

  /* --- "reconnecting" while the socket is down ------------------------------------------- */

  var RECONNECTS_ITSELF = [1006, 1011, 1012, 1013];
  var leaving = false, retries = 0;

  function showReconnecting() {
    var live = document.getElementById("live-status");
    if (!live) return;
    live.className = "live live--reconnecting";
    live.setAttribute("data-state", "reconnecting");
    var text = live.querySelector(".live-text");
    if (text) text.textContent = "Reconnecting…";
    var note = live.querySelector(".live-note");
    if (note) note.remove();
  }

  function reconnectDelay(retry) {
    return Math.min(500 * Math.pow(2, retry), 5000) * (0.5 + Math.random() * 0.5);
  }

  // The server closes with 4403 when the user may see nothing any more: no retry, and the
  // notice it sent last ("signed out — sign in again") stays in place of the indicator.
  var ACCESS_ENDED = 4403;

  function onClose(event) {
    if (leaving) return;
    document.body.classList.add("ws-down");
    var code = event.detail.event && event.detail.event.code;
    if (code === ACCESS_ENDED) return;
    showReconnecting();
    // The extension retries abnormal closes by itself; a clean close (a server going away
    // politely) would otherwise leave the page stale for good.
    var wrapper = event.detail.socketWrapper;
    if (RECONNECTS_ITSELF.indexOf(code) < 0 && wrapper && document.body.contains(event.target)) {
      setTimeout(function () { retries += 1; wrapper.reconnect(); }, reconnectDelay(retries));
    }
  }

  function setup() {
    if (window.htmx) htmx.config.wsReconnectDelay = reconnectDelay;
    window.addEventListener("pagehide", function () { leaving = true; });
    var body = document.body;
    body.addEventListener("htmx:wsClose", onClose);
    body.addEventListener("htmx:wsOpen", function () { retries = 0; body.classList.remove("ws-down"); });
    // Capturing: before htmx's own handling of the message, which this replaces.
    document.addEventListener("htmx:wsBeforeMessage", onMessage, true);
    body.addEventListener("htmx:wsAfterMessage", afterHtmxMessage);
  }

  R.live = { setup: setup };
})();
