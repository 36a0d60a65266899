/* The dashboard's behaviour: the confirmation dialogs of the action buttons, toasts, keyboard
   navigation, and starting the other parts (times.js: ages and countdowns; overview.js and
   controls.js: the list's filters, sorting and selection; live.js and morph.js: the
   websocket's messages and the "reconnecting" indicator). No data is ever turned into markup here: the server renders (and escapes) every
   fragment; these files only show, hide, sort and move elements. */
(function () {
  "use strict";

  var R = window.Rollouts;
  var body = document.body;
  var page = body.classList.contains("page-overview") ? "overview"
    : body.classList.contains("page-detail") ? "detail" : "plain";

  /* --- action buttons: fetch the dialog, confirm, post ----------------------------------- */

  var dialog = document.getElementById("confirm-dialog");
  var dialogBody = document.getElementById("dialog-body");

  /* A rollout's page: the detail page says it in data-url; an overview row (kept short, it is
     sent on every change) has it as its name link's href. */
  function urlOf(root) {
    if (root.hasAttribute("data-url")) return root.getAttribute("data-url");
    var link = root.querySelector("a.name");
    return link ? link.getAttribute("href") : null;
  }

  function openAction(button) {
    var root = button.closest("[data-url], .row");
    if (!root || button.disabled || !urlOf(root)) return;
    var params = new URLSearchParams();
    if (button.dataset.revision) params.set("revision", button.dataset.revision);
    if (button.dataset.container) params.set("container", button.dataset.container);
    var url = urlOf(root) + "/confirm/" + encodeURIComponent(button.dataset.act) +
      (params.toString() ? "?" + params.toString() : "");
    htmx.ajax("GET", url, { target: "#dialog-body", swap: "innerHTML" });
  }

  /* htmx wires a swapped-in form only when it settles, some milliseconds after the swap: a
     dialog shown before then would let an Enter on its focused button submit the form
     natively. So the dialog opens on the form's htmx:load, when htmx has processed it, and
     only then is its confirm button enabled (the server renders it disabled). */
  function showDialog(content) {
    content.querySelectorAll("[data-until-ready]").forEach(function (b) { b.disabled = false; });
    content.setAttribute("data-ready", "");
    var from = content.querySelector("[data-from]");
    if (from) from.value = page;
    var next = content.querySelector("[data-next]");
    if (next) next.value = location.pathname + location.search;
    if (!dialog.open) dialog.showModal();
    var field = content.querySelector("[data-autofocus]");
    if (field) { field.focus(); field.select(); }
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
    body.addEventListener("htmx:load", function (event) {
      if (event.target.parentNode === dialogBody) showDialog(event.target);
    });
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
    // Toasts the page came with (the outcome of a plain form POST) go the same way.
    document.querySelectorAll("#toasts .toast").forEach(expire);
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
    else if (key === "j" && page === "overview") { event.preventDefault(); R.controls.moveSelection(1); }
    else if (key === "k" && page === "overview") { event.preventDefault(); R.controls.moveSelection(-1); }
    else if (key === "Enter" && page === "overview" && R.selectedId && !event.target.closest("a, button")) {
      var row = document.getElementById(R.selectedId);
      if (row && urlOf(row)) location.href = urlOf(row);
    }
    else if (key === "?") document.getElementById("help-dialog").showModal();
    else if (key === "o" && previous === "g") location.href = overviewUrl();
    else if (key === "Escape" && page === "overview") R.controls.select(null);
  }

  // The brand link is the overview's URL, under any root path (ROLLOUTS_ROOT_PATH).
  function overviewUrl() {
    var brand = document.querySelector(".topbar .brand");
    return brand ? brand.getAttribute("href") : "/";
  }

  setupActions();
  R.live.setup();
  document.addEventListener("keydown", onKey);
  if (page === "overview") R.controls.setup();
  R.times.start();
})();
