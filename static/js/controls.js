/* The overview's toolbar and selection: the search box, the status chips and the sort links
   (kept in the URL, so a link shows the same view), and the selected row for `j` / `k` /
   Enter. The list itself is overview.js. */
(function () {
  "use strict";

  var R = window.Rollouts = window.Rollouts || {};
  var STATUSES = R.overview.STATUSES;

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

  function state() { return R.overview.state(); }

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

  function syncControls() {
    var now = state();
    history.replaceState(null, "", queryFor(now));
    document.querySelectorAll("[data-chip]").forEach(function (chip) {
      var name = chip.getAttribute("data-chip");
      var on = name === "attention" ? now.attention : now.statuses.indexOf(name) >= 0;
      chip.classList.toggle("is-on", on);
      chip.setAttribute("aria-pressed", on ? "true" : "false");
      chip.href = queryFor(toggled(name));
    });
    document.querySelectorAll("[data-sort-key]").forEach(function (link) {
      var key = link.getAttribute("data-sort-key");
      link.classList.toggle("is-sorted", key === now.sort);
      link.classList.toggle("is-desc", key === now.sort && now.desc);
      link.href = queryFor(sortedBy(key));
    });
  }

  function toggled(name) {
    var now = state();
    var next = Object.assign({}, now, { statuses: now.statuses.slice() });
    if (name === "attention") next.attention = !now.attention;
    else {
      var at = next.statuses.indexOf(name);
      if (at >= 0) next.statuses.splice(at, 1); else next.statuses.push(name);
      next.statuses = STATUSES.filter(function (s) { return next.statuses.indexOf(s) >= 0; });
    }
    return next;
  }

  function sortedBy(key) {
    var now = state();
    if (key === now.sort) return Object.assign({}, now, { desc: !now.desc });
    return Object.assign({}, now, { sort: key, desc: key === "changed" });
  }

  function change(next) {
    R.overview.setState(next);
    syncControls();
  }

  /* --- selection (j / k / Enter) -------------------------------------------------------- */

  function select(row) {
    document.querySelectorAll(".row.is-selected").forEach(function (r) { r.classList.remove("is-selected"); });
    R.selectedId = row ? row.id : null;
    if (!row) return;
    row.classList.add("is-selected");
    row.scrollIntoView({ block: "nearest" });
  }

  function moveSelection(step) {
    var rows = R.overview.visibleRows();
    if (!rows.length) return;
    var at = rows.findIndex(function (row) { return row.id === R.selectedId; });
    var next = at < 0 ? (step > 0 ? 0 : rows.length - 1) : Math.max(0, Math.min(rows.length - 1, at + step));
    select(rows[next]);
  }

  function setup() {
    R.overview.setState(readState());
    var search = document.getElementById("search");
    var timer = null;
    if (search) {
      search.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          change(Object.assign({}, state(), { q: search.value.trim() }));
        }, 60);
      });
      search.form.addEventListener("submit", function (event) { event.preventDefault(); });
    }
    document.addEventListener("click", function (event) {
      var chip = event.target.closest("[data-chip]");
      var sort = event.target.closest("[data-sort-key]");
      if (!chip && !sort) return;
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      change(chip ? toggled(chip.getAttribute("data-chip")) : sortedBy(sort.getAttribute("data-sort-key")));
    });
    var ns = document.querySelector("[data-ns-filter]");
    if (ns) ns.addEventListener("change", function () {
      location.href = queryFor(Object.assign({}, state(), { namespace: ns.value }));
    });
    document.addEventListener("click", function (event) {
      var row = event.target.closest(".row");
      if (row && !event.target.closest("button, a")) select(row);
    });
    document.addEventListener("mouseover", addRowTooltip);
  }

  // Rows go to every viewer on every change, so they leave out tooltips that would repeat
  // their own text (a cut-off message, the step's label, the absolute time of an age).
  function addRowTooltip(event) {
    var el = event.target.closest && event.target.closest(".row small, .row time[data-age]");
    if (!el || el.hasAttribute("title")) return;
    el.title = el.nodeName === "TIME"
      ? (el.getAttribute("datetime") || "").replace("T", " ").replace("Z", " UTC")
      : el.textContent;
  }

  R.controls = { setup: setup, select: select, moveSelection: moveSelection };
})();
