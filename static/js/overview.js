/* The overview's list in the browser: filters (search, status chips, "needs attention"),
   counts and sorting, by the same rules as rollouts/listing.py, for rows that arrive live
   (controls.js has the toolbar, the URL and the selection).

   The list is kept sorted and filtered incrementally: a live message changes a few rows, and
   only those are looked at again (their search match, their place in the order, the counts).
   The whole list is gone through only when it is replaced (a snapshot) or a filter changes.
   Counters in the toolbar are written once per frame, and only when their value changed.
   A row whose sort key changed moves at most once a second (REORDER_MS): its content is
   live at once, but under a sort that every change reorders ("changed, newest first") rows
   jumping fifty times a second can be neither read nor laid out by five open pages. */
(function () {
  "use strict";

  var R = window.Rollouts = window.Rollouts || {};
  var STATUSES = ["Progressing", "Paused", "Degraded", "Healthy"];
  var STATUS_RANK = { Degraded: 0, Paused: 1, Progressing: 2, Healthy: 3 };
  var state = null;  // the filters and sort, as in the URL
  var terms = [];    // the parsed search
  var byId = new Map();  // row id -> entry
  var ordered = [];  // entries in page order, which is always the sort order
  var counts = null, shown = 0;
  var shownOnScreen = {};  // what the toolbar's counters say now
  var summaryQueued = false;
  var REORDER_MS = 1000;
  var displaced = new Set();  // entries out of place since the last reorder
  var reorderTimer = null;

  function listElement() { return document.getElementById("rollout-list"); }

  function number(text, fallback) {
    var value = parseFloat(text);
    return isNaN(value) ? fallback : value;
  }

  /* --- one row: what the filters and the sort look at ------------------------------------ */

  function entryOf(row, previous) {
    var d = row.dataset;
    var labelsText = d.labels || "{}";
    var entry = {
      row: row, id: row.id, name: d.name || "", namespace: d.namespace || "",
      status: d.status || "", attention: d.attention === "1", step: number(d.step, -1),
      changed: number(d.changed, 0), labelsText: labelsText,
      // Labels rarely change: keep the parsed ones of the row this one replaces.
      labels: previous && previous.labelsText === labelsText ? previous.labels : null
    };
    judge(entry);
    return entry;
  }

  function labelsOf(entry) {
    if (entry.labels === null) {
      try { entry.labels = JSON.parse(entry.labelsText); } catch (e) { entry.labels = {}; }
      if (!entry.labels || typeof entry.labels !== "object") entry.labels = {};
    }
    return entry.labels;
  }

  function judge(entry) {
    entry.key = sortKey(entry);
    // Label terms are the only ones that need the labels: parse them lazily.
    entry.hit = terms.length === 0 || window.RolloutSearch.matches(terms, entry.name,
      needsLabels() ? labelsOf(entry) : {});
    entry.visible = entry.hit && (!state.statuses.length || state.statuses.indexOf(entry.status) >= 0) &&
      (!state.attention || entry.attention);
  }

  function needsLabels() {
    return terms.some(function (term) { return term.label !== null; });
  }

  function sortKey(e) {
    switch (state.sort) {
      case "namespace": return [e.namespace, e.name];
      case "status": return [STATUS_RANK.hasOwnProperty(e.status) ? STATUS_RANK[e.status] : 9, e.name, e.namespace];
      case "step": return [e.step, e.name, e.namespace];
      case "changed": return [e.changed, e.name, e.namespace];
      default: return [e.name, e.namespace];
    }
  }

  function compareKeys(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }

  function before(a, b) {
    var order = compareKeys(a.key, b.key);
    return state.desc ? order > 0 : order < 0;
  }

  /* --- counts ------------------------------------------------------------------------- */

  function emptyCounts() {
    var fresh = { attention: 0 };
    STATUSES.forEach(function (s) { fresh[s] = 0; });
    return fresh;
  }

  function count(entry, sign) {
    if (entry.hit) {
      if (counts.hasOwnProperty(entry.status)) counts[entry.status] += sign;
      if (entry.attention) counts.attention += sign;
    }
    if (entry.visible) shown += sign;
  }

  function show(entry) {
    if (entry.row.hidden !== !entry.visible) entry.row.hidden = !entry.visible;
  }

  /* --- placing rows in order ------------------------------------------------------------ */

  // Where `entry` belongs in `ordered` (which does not hold it): binary search.
  function slotFor(entry) {
    var low = 0, high = ordered.length;
    while (low < high) {
      var middle = (low + high) >> 1;
      if (before(ordered[middle], entry)) low = middle + 1; else high = middle;
    }
    return low;
  }

  function place(entry, list) {
    var at = slotFor(entry);
    var next = ordered[at];
    ordered.splice(at, 0, entry);
    if (entry.row.parentNode !== list || entry.row.nextElementSibling !== (next ? next.row : null)) {
      list.insertBefore(entry.row, next ? next.row : null);
    }
  }

  function inOrder(at) {
    var entry = ordered[at], prev = ordered[at - 1], next = ordered[at + 1];
    return (!prev || !before(entry, prev)) && (!next || !before(next, entry));
  }

  /* --- what live messages did to the list (called by live.js) --------------------------- */

  function replaced(row, list) {
    var old = byId.get(row.id);
    if (!old) { inserted(row, list); return; }
    var entry = entryOf(row, old);
    count(old, -1);
    count(entry, +1);
    show(entry);
    byId.set(entry.id, entry);
    var at = ordered.indexOf(old);
    ordered[at] = entry;
    displaced.delete(old);
    // Only a row whose sort key changed can be out of place.
    if (compareKeys(old.key, entry.key) !== 0 && !inOrder(at)) displace(entry);
    if (entry.id === R.selectedId) row.classList.add("is-selected");
  }

  function displace(entry) {
    displaced.add(entry);
    if (reorderTimer === null) reorderTimer = setTimeout(reorder, REORDER_MS);
  }

  // Put every row in its place. Until then `ordered` is sorted but for the displaced rows,
  // and a neighbour's check in inOrder may have trusted one of them: so sort it all (a few
  // hundred comparisons) and move only the rows whose successor is wrong.
  function reorder() {
    if (reorderTimer !== null) clearTimeout(reorderTimer);
    reorderTimer = null;
    displaced.clear();
    var list = listElement();
    if (!list) return;
    ordered.sort(function (a, b) { return before(a, b) ? -1 : before(b, a) ? 1 : 0; });
    for (var i = ordered.length - 1; i >= 0; i--) {
      var next = i + 1 < ordered.length ? ordered[i + 1].row : null;
      if (ordered[i].row.nextElementSibling !== next) list.insertBefore(ordered[i].row, next);
    }
  }

  function inserted(row, list) {
    if (displaced.size) reorder();  // the binary search below needs a sorted list
    var stale = byId.get(row.id);
    if (stale && stale.row !== row) {
      // The page had it after all (a reconnect crossed a message): one row per rollout.
      removed(stale.row);
      stale.row.remove();
    }
    var entry = entryOf(row, null);
    count(entry, +1);
    show(entry);
    byId.set(entry.id, entry);
    place(entry, list);
  }

  function removed(row) {
    var entry = byId.get(row.id);
    if (!entry || entry.row !== row) return;
    displaced.delete(entry);
    count(entry, -1);
    byId.delete(entry.id);
    ordered.splice(ordered.indexOf(entry), 1);
  }

  /* `changes`: {replaced: [[old, new]...], added: [el...], removed: [el...]} from live.js. */
  function swapped(changes) {
    var list = listElement();
    if (!state || !list) return;
    var whole = changes.replaced.some(function (pair) { return pair[1] === list; });
    if (whole || ordered.length !== byId.size) { rebuild(); return; }
    changes.removed.forEach(function (el) { if (el.classList.contains("row")) removed(el); });
    changes.replaced.forEach(function (pair) {
      if (pair[1].parentNode === list) replaced(pair[1], list);
    });
    changes.added.forEach(function (el) { if (el.parentNode === list) inserted(el, list); });
    queueSummary();
  }

  /* --- the whole list: first load, snapshots, filter changes ---------------------------- */

  function rebuild() {
    var list = listElement();
    displaced.clear();
    byId.clear();
    ordered = [];
    if (!state || !list) return;
    terms = window.RolloutSearch.parse(state.q);
    var entries = Array.prototype.map.call(list.querySelectorAll(":scope > .row"),
      function (row) { return entryOf(row, null); });
    refilter(entries);
  }

  // Filters or sort changed: judge every row again (keeping their parsed labels).
  function rejudge() {
    displaced.clear();  // refilter sorts everything
    terms = window.RolloutSearch.parse(state.q);
    ordered.forEach(judge);
    refilter(ordered.slice());
  }

  function refilter(entries) {
    var list = listElement();
    counts = emptyCounts();
    shown = 0;
    entries.forEach(function (entry) { count(entry, +1); show(entry); byId.set(entry.id, entry); });
    var sorted = entries.slice().sort(function (a, b) {
      return before(a, b) ? -1 : before(b, a) ? 1 : 0;
    });
    var moved = sorted.some(function (entry, i) { return entry !== entries[i]; });
    if (moved && list) sorted.forEach(function (entry) { list.appendChild(entry.row); });
    ordered = sorted;
    writeSummary();
    restoreSelection();
  }

  function restoreSelection() {
    if (!R.selectedId) return;
    var row = document.getElementById(R.selectedId);
    if (row && !row.hidden) row.classList.add("is-selected");
  }

  function queueSummary() {
    if (summaryQueued) return;
    summaryQueued = true;
    requestAnimationFrame(writeSummary);
  }

  function writeNumber(el, key, value) {
    if (el && shownOnScreen[key] !== value) {
      shownOnScreen[key] = value;
      el.textContent = value;
    }
  }

  function writeSummary() {
    summaryQueued = false;
    if (!counts) return;
    Object.keys(counts).forEach(function (name) {
      writeNumber(document.querySelector('[data-count="' + name + '"]'), name, counts[name]);
    });
    writeNumber(document.getElementById("shown-count"), "shown", shown);
    writeNumber(document.getElementById("total-count"), "total", ordered.length);
    var empty = document.getElementById("empty-state");
    if (!empty) return;
    var hideAll = shown > 0, none = ordered.length === 0;
    if (empty.hidden !== hideAll) empty.hidden = hideAll;
    var noneText = empty.querySelector('[data-empty="none"]');
    var filteredText = empty.querySelector('[data-empty="filtered"]');
    if (noneText.hidden !== !none) noneText.hidden = !none;
    if (filteredText.hidden !== none) filteredText.hidden = none;
  }

  /* The filters and sort (controls.js reads them from the URL and changes them). */
  function setState(next) {
    var first = state === null;
    state = next;
    if (first) rebuild(); else rejudge();
  }

  function visibleRows() {
    return ordered.filter(function (e) { return e.visible; }).map(function (e) { return e.row; });
  }

  R.selectedId = null;
  R.overview = {
    state: function () { return state; }, setState: setState, swapped: swapped,
    rebuild: rebuild, visibleRows: visibleRows, STATUSES: STATUSES
  };
})();
