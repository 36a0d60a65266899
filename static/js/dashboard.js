/* The dashboard's behaviour: ticking times, the overview's filters and sorting for live rows,
   keyboard navigation, the confirmation dialogs of the action buttons, toasts, and the
   "reconnecting" indicator while the websocket is down. No data is ever turned into markup
   here: the server renders (and escapes) every fragment; this file only shows, hides, sorts
   and moves elements. */
(function () {
  "use strict";

  var body = document.body;
  var page = body.classList.contains("page-overview") ? "overview"
    : body.classList.contains("page-detail") ? "detail" : "plain";

  /* --- times: kubectl-style ages and countdowns, recomputed every second ---------------- */

  function humanDuration(seconds) {
    // kubectl's HumanDuration (the same rules as rollouts.info.format_age).
    seconds = Math.floor(seconds);
    if (seconds < -1) return "<invalid>";
    if (seconds < 0) return "0s";
    if (seconds < 120) return seconds + "s";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 10) return seconds % 60 ? minutes + "m" + (seconds % 60) + "s" : minutes + "m";
    if (minutes < 180) return minutes + "m";
    var hours = Math.floor(seconds / 3600);
    if (hours < 8) return minutes % 60 ? hours + "h" + (minutes % 60) + "m" : hours + "h";
    if (hours < 48) return hours + "h";
    var days = Math.floor(hours / 24);
    if (hours < 24 * 8) return hours % 24 ? days + "d" + (hours % 24) + "h" : days + "d";
    if (hours < 24 * 365 * 2) return days + "d";
    var years = Math.floor(days / 365);
    if (hours < 24 * 365 * 8) return days % 365 ? years + "y" + (days % 365) + "d" : years + "y";
    return years + "y";
  }

  // How far the cluster's clock runs ahead of this browser's. Timestamps of things that have
  // already happened (creation times, pause starts) cannot lie in the future, so the largest
  // such lead seen is the skew; ages and countdowns are read on the cluster's clock.
  var skewMs = 0;

  function observeSkew(now) {
    document.querySelectorAll("time[data-age], time[data-started]").forEach(function (el) {
      var at = Date.parse(el.getAttribute(el.hasAttribute("data-started") ? "data-started" : "datetime"));
      if (!isNaN(at) && at - now > skewMs) skewMs = at - now;
    });
  }

  function tick() {
    var now = Date.now();
    observeSkew(now);
    now += skewMs;
    document.querySelectorAll("time[data-age]").forEach(function (el) {
      var at = Date.parse(el.getAttribute("datetime"));
      if (!isNaN(at)) el.textContent = humanDuration((now - at) / 1000);
    });
    document.querySelectorAll("time[data-countdown]").forEach(function (el) {
      var at = Date.parse(el.getAttribute("datetime"));
      if (isNaN(at)) return;
      var left = Math.ceil((at - now) / 1000);
      el.textContent = left > 0 ? "in " + humanDuration(left) : (el.getAttribute("data-done") || "now");
      el.classList.toggle("is-done", left <= 0);
      // Like upstream, a scale-down countdown goes away once its deadline has passed.
      var box = el.closest("[data-hide-when-done]");
      if (box) box.hidden = left <= 0;
    });
  }

  /* --- the overview's list: filters, counts, sorting, selection -------------------------- */

  var STATUSES = ["Progressing", "Paused", "Degraded", "Healthy"];
  var STATUS_RANK = { Degraded: 0, Paused: 1, Progressing: 2, Healthy: 3 };
  var state = null;
  var selectedId = null;

  function readState() {
    var params = new URLSearchParams(location.search);
    var sort = params.get("sort") || "name";
    var wanted = (params.get("status") || "").toLowerCase().split(",");
    return {
      namespace: params.get("namespace") || "",
      q: params.get("q") || "",
      statuses: STATUSES.filter(function (s) { return wanted.indexOf(s.toLowerCase()) >= 0; }),
      attention: ["1", "true", "yes", "on"].indexOf((params.get("attention") || "").toLowerCase()) >= 0,
      sort: sort.replace(/^-/, ""),
      desc: sort.charAt(0) === "-"
    };
  }

  function queryFor(s) {
    var params = new URLSearchParams();
    if (s.namespace) params.set("namespace", s.namespace);
    if (s.q) params.set("q", s.q);
    if (s.statuses.length) params.set("status", s.statuses.join(","));
    if (s.attention) params.set("attention", "1");
    if (s.sort !== "name" || s.desc) params.set("sort", (s.desc ? "-" : "") + s.sort);
    var text = params.toString();
    return text ? "?" + text : location.pathname;
  }

  function rows() {
    var list = document.getElementById("rollout-list");
    return list ? Array.prototype.slice.call(list.querySelectorAll(":scope > .row")) : [];
  }

  // Parsed once per row element: a live swap brings a new element, so nothing goes stale.
  var parsedLabels = new WeakMap();

  function labelsOf(row) {
    if (!parsedLabels.has(row)) {
      var labels = {};
      try { labels = JSON.parse(row.getAttribute("data-labels") || "{}"); } catch (e) { /* keep {} */ }
      parsedLabels.set(row, labels);
    }
    return parsedLabels.get(row);
  }

  function sortKey(row) {
    var d = row.dataset;
    switch (state.sort) {
      case "namespace": return [d.namespace, d.name];
      case "status": return [STATUS_RANK.hasOwnProperty(d.status) ? STATUS_RANK[d.status] : 9, d.name, d.namespace];
      case "step": return [number(d.step, -1), d.name, d.namespace];
      case "changed": return [number(d.changed, 0), d.name, d.namespace];
      default: return [d.name, d.namespace];
    }
  }

  function number(text, fallback) {
    var value = parseFloat(text);
    return isNaN(value) ? fallback : value;
  }

  function compare(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }

  function applyList() {
    if (page !== "overview" || !state) return;
    var list = document.getElementById("rollout-list");
    if (!list) return;
    var terms = window.RolloutSearch.parse(state.q);
    var counts = { attention: 0 };
    STATUSES.forEach(function (s) { counts[s] = 0; });
    var all = rows(), shown = 0;
    all.forEach(function (row) {
      var hit = window.RolloutSearch.matches(terms, row.dataset.name, labelsOf(row));
      var status = row.dataset.status, attention = row.dataset.attention === "1";
      if (hit) {
        if (counts.hasOwnProperty(status)) counts[status] += 1;
        if (attention) counts.attention += 1;
      }
      var visible = hit && (!state.statuses.length || state.statuses.indexOf(status) >= 0) &&
        (!state.attention || attention);
      row.hidden = !visible;
      if (visible) shown += 1;
    });
    sortRows(list, all);
    Object.keys(counts).forEach(function (name) {
      var el = document.querySelector('[data-count="' + name + '"]');
      if (el) el.textContent = counts[name];
    });
    setText("shown-count", shown);
    setText("total-count", all.length);
    var empty = document.getElementById("empty-state");
    if (empty) {
      empty.hidden = shown > 0;
      empty.querySelector('[data-empty="none"]').hidden = all.length > 0;
      empty.querySelector('[data-empty="filtered"]').hidden = all.length === 0;
    }
    restoreSelection();
  }

  function sortRows(list, all) {
    var keyed = all.map(function (row) { return { row: row, key: sortKey(row) }; });
    keyed.sort(function (a, b) { return state.desc ? compare(b.key, a.key) : compare(a.key, b.key); });
    var inOrder = keyed.every(function (item, i) { return item.row === all[i]; });
    if (!inOrder) keyed.forEach(function (item) { list.appendChild(item.row); });
  }

  function setText(id, value) {
    var el = document.getElementById(id);
    if (el) el.textContent = value;
  }

  function syncControls() {
    history.replaceState(null, "", queryFor(state));
    document.querySelectorAll("[data-chip]").forEach(function (chip) {
      var name = chip.getAttribute("data-chip");
      var on = name === "attention" ? state.attention : state.statuses.indexOf(name) >= 0;
      chip.classList.toggle("is-on", on);
      chip.setAttribute("aria-pressed", on ? "true" : "false");
      chip.href = queryFor(toggled(name));
    });
    document.querySelectorAll("[data-sort-key]").forEach(function (link) {
      var key = link.getAttribute("data-sort-key");
      link.classList.toggle("is-sorted", key === state.sort);
      link.classList.toggle("is-desc", key === state.sort && state.desc);
      link.href = queryFor(sortedBy(key));
    });
  }

  function toggled(name) {
    var next = Object.assign({}, state, { statuses: state.statuses.slice() });
    if (name === "attention") next.attention = !state.attention;
    else {
      var at = next.statuses.indexOf(name);
      if (at >= 0) next.statuses.splice(at, 1); else next.statuses.push(name);
      next.statuses = STATUSES.filter(function (s) { return next.statuses.indexOf(s) >= 0; });
    }
    return next;
  }

  function sortedBy(key) {
    if (key === state.sort) return Object.assign({}, state, { desc: !state.desc });
    return Object.assign({}, state, { sort: key, desc: key === "changed" });
  }

  function visibleRows() { return rows().filter(function (row) { return !row.hidden; }); }

  function select(row) {
    document.querySelectorAll(".row.is-selected").forEach(function (r) { r.classList.remove("is-selected"); });
    selectedId = row ? row.id : null;
    if (!row) return;
    row.classList.add("is-selected");
    row.scrollIntoView({ block: "nearest" });
  }

  function restoreSelection() {
    if (!selectedId) return;
    var row = document.getElementById(selectedId);
    if (row && !row.hidden) row.classList.add("is-selected");
  }

  function moveSelection(step) {
    var list = visibleRows();
    if (!list.length) return;
    var at = list.findIndex(function (row) { return row.id === selectedId; });
    var next = at < 0 ? (step > 0 ? 0 : list.length - 1) : Math.max(0, Math.min(list.length - 1, at + step));
    select(list[next]);
  }

  function setupOverview() {
    state = readState();
    var search = document.getElementById("search");
    var timer = null;
    if (search) {
      search.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { state.q = search.value.trim(); syncControls(); applyList(); }, 60);
      });
      search.form.addEventListener("submit", function (event) { event.preventDefault(); });
    }
    document.addEventListener("click", function (event) {
      var chip = event.target.closest("[data-chip]");
      var sort = event.target.closest("[data-sort-key]");
      if (!chip && !sort) return;
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      state = chip ? toggled(chip.getAttribute("data-chip")) : sortedBy(sort.getAttribute("data-sort-key"));
      syncControls();
      applyList();
    });
    var ns = document.querySelector("[data-ns-filter]");
    if (ns) ns.addEventListener("change", function () {
      location.href = queryFor(Object.assign({}, state, { namespace: ns.value }));
    });
    document.addEventListener("click", function (event) {
      var row = event.target.closest(".row");
      if (row && !event.target.closest("button, a")) select(row);
    });
    applyList();
  }

  /* --- action buttons: fetch the dialog, confirm, post ----------------------------------- */

  var dialog = document.getElementById("confirm-dialog");
  var dialogBody = document.getElementById("dialog-body");

  function openAction(button) {
    var root = button.closest("[data-url]");
    if (!root || button.disabled) return;
    var params = new URLSearchParams();
    if (button.dataset.revision) params.set("revision", button.dataset.revision);
    if (button.dataset.container) params.set("container", button.dataset.container);
    var url = root.getAttribute("data-url") + "/confirm/" + encodeURIComponent(button.dataset.act) +
      (params.toString() ? "?" + params.toString() : "");
    htmx.ajax("GET", url, { target: "#dialog-body", swap: "innerHTML" }).then(function () {
      var from = dialogBody.querySelector("[data-from]");
      if (from) from.value = page;
      if (!dialog.open) dialog.showModal();
      var field = dialogBody.querySelector("[data-autofocus]");
      if (field) { field.focus(); field.select(); }
    });
  }

  function setupActions() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-act]");
      if (button) { event.preventDefault(); openAction(button); return; }
      if (event.target.closest("[data-close]")) { dialog.close(); return; }
      var dismiss = event.target.closest("[data-dismiss]");
      if (dismiss) { dismiss.closest(".toast").remove(); return; }
      if (event.target.closest("[data-open-help]")) document.getElementById("help-dialog").showModal();
    });
    dialog.addEventListener("close", function () { dialogBody.innerHTML = ""; });
    // The dialog's form posts; whatever the answer, the dialog has done its job.
    body.addEventListener("htmx:afterRequest", function (event) {
      if (dialog.contains(event.target) && event.target.matches("form")) dialog.close();
    });
    body.addEventListener("htmx:beforeRequest", function (event) {
      if (dialog.contains(event.target)) {
        event.target.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }
    });
    // Refusals (409), bad input (422) and cluster errors (5xx) carry a toast or a dialog too.
    body.addEventListener("htmx:beforeSwap", function (event) {
      var target = event.detail.target;
      if (target && (target.id === "toasts" || target.id === "dialog-body")) {
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      }
    });
    body.addEventListener("htmx:sendError", function () {
      clientToast("The dashboard did not answer", "Check that it is running, then try again.");
    });
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType === 1 && node.classList.contains("toast")) expire(node);
        });
      });
    }).observe(document.getElementById("toasts"), { childList: true });
  }

  function expire(toast) {
    var calm = toast.classList.contains("toast--ok") || toast.classList.contains("toast--info");
    setTimeout(function () { toast.remove(); }, calm ? 7000 : 15000);
  }

  function clientToast(title, message) {
    var toast = document.createElement("div");
    toast.className = "toast toast--bad";
    toast.setAttribute("role", "alert");
    var text = document.createElement("div");
    text.className = "toast-body";
    var strong = document.createElement("b");
    strong.textContent = title;
    var p = document.createElement("p");
    p.textContent = message;
    text.append(strong, p);
    toast.append(text);
    document.getElementById("toasts").prepend(toast);
  }

  /* --- keyboard ------------------------------------------------------------------------ */

  var lastKey = "";

  function typing(target) {
    return target.closest("input, select, textarea, [contenteditable]") !== null;
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var inDialog = dialog.open || document.getElementById("help-dialog").open;
    if (event.key === "Escape" && typing(event.target) && !inDialog) { event.target.blur(); return; }
    if (typing(event.target) || inDialog) return;
    var search = document.getElementById("search");
    var key = event.key, previous = lastKey;
    lastKey = key;
    if (key === "/" && search) { event.preventDefault(); search.focus(); search.select(); }
    else if (key === "j" && page === "overview") { event.preventDefault(); moveSelection(1); }
    else if (key === "k" && page === "overview") { event.preventDefault(); moveSelection(-1); }
    else if (key === "Enter" && page === "overview" && selectedId && !event.target.closest("a, button")) {
      var row = document.getElementById(selectedId);
      if (row) location.href = row.getAttribute("data-url");
    }
    else if (key === "?") document.getElementById("help-dialog").showModal();
    else if (key === "o" && previous === "g") location.href = "/";
    else if (key === "Escape" && page === "overview") select(null);
  }

  /* --- the websocket: "reconnecting" while it is down; re-apply filters after messages --- */

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

  function setupSocket() {
    if (window.htmx) htmx.config.wsReconnectDelay = reconnectDelay;
    window.addEventListener("pagehide", function () { leaving = true; });
    body.addEventListener("htmx:wsClose", function (event) {
      if (leaving) return;
      body.classList.add("ws-down");
      showReconnecting();
      // The extension retries abnormal closes by itself; a clean close (a server going
      // away politely) would otherwise leave the page stale for good.
      var code = event.detail.event && event.detail.event.code;
      var wrapper = event.detail.socketWrapper;
      if (RECONNECTS_ITSELF.indexOf(code) < 0 && wrapper && body.contains(event.target)) {
        setTimeout(function () { retries += 1; wrapper.reconnect(); }, reconnectDelay(retries));
      }
    });
    body.addEventListener("htmx:wsOpen", function () { retries = 0; body.classList.remove("ws-down"); });
    body.addEventListener("htmx:wsBeforeMessage", rememberFocus);
    body.addEventListener("htmx:wsAfterMessage", function () { applyList(); tick(); restoreFocus(); });
  }

  // A live swap replaces the element holding the keyboard focus; put the focus back on its
  // successor (same fragment id, same button) so keyboard users do not lose their place.
  var focused = null;

  function rememberFocus() {
    var el = document.activeElement;
    var holder = el && el !== body ? el.closest("[id]") : null;
    focused = holder && el.dataset.act ? { id: holder.id, act: el.dataset.act,
      revision: el.dataset.revision || "", container: el.dataset.container || "" } : null;
  }

  function restoreFocus() {
    if (!focused || (document.activeElement && document.activeElement !== body)) return;
    var holder = document.getElementById(focused.id);
    if (!holder) return;
    var match = Array.prototype.find.call(holder.querySelectorAll("[data-act]"), function (b) {
      return b.dataset.act === focused.act && (b.dataset.revision || "") === focused.revision &&
        (b.dataset.container || "") === focused.container;
    });
    if (match) match.focus();
  }

  setupActions();
  setupSocket();
  document.addEventListener("keydown", onKey);
  if (page === "overview") setupOverview();
  tick();
  setInterval(tick, 1000);
  window.RolloutsDashboard = { humanDuration: humanDuration, applyList: applyList };
})();
