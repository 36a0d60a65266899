/* Ages and countdowns: `<time data-age>` / `<time data-countdown>` elements rendered by the
   server with an absolute fallback text, turned into kubectl-style durations here and
   recomputed every second. Only what changed is written, so an idle page does no layout. */
(function () {
  "use strict";

  var R = window.Rollouts = window.Rollouts || {};

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

  // A live swap always brings new elements, so what is cached per element never goes stale.
  var parsed = new WeakMap();
  var written = new WeakMap();

  function timeOf(el, attribute) {
    var cached = parsed.get(el);
    if (cached === undefined) {
      cached = Date.parse(el.getAttribute(attribute || "datetime"));
      parsed.set(el, cached);
    }
    return cached;
  }

  // Writing the same text again would still replace the text node and dirty the row's layout.
  function write(el, text) {
    if (written.get(el) === text) return;
    written.set(el, text);
    var node = el.firstChild;
    if (node && node.nodeType === 3 && !node.nextSibling) {
      if (node.data !== text) node.data = text;
    } else {
      el.textContent = text;
    }
  }

  // Now is the server's now, not this browser's: the page carries the server's clock at the
  // moment it was rendered (<meta name="server-now">, milliseconds), and the difference to
  // this browser's clock is applied whichever of the two is ahead, so a countdown shows what
  // the server would say is left. The page's own latency (render to script) is the error.
  var serverOffsetMs = 0;

  function learnServerOffset() {
    var meta = document.querySelector('meta[name="server-now"]');
    var at = meta ? Number(meta.getAttribute("content")) : NaN;
    if (isFinite(at) && at > 0) serverOffsetMs = at - Date.now();
  }

  // A page may stay open for days, through sleeps and clock corrections: each time its
  // websocket (re)connects, the offset is measured again against /healthz, NTP-style (the
  // server's time against the middle of the round trip; a slow answer is not trusted).
  // Under an ingress path (ROLLOUTS_ROOT_PATH) every URL starts with it: <meta name="root-path">.
  function rootPath() {
    var meta = document.querySelector('meta[name="root-path"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function resync() {
    var sent = Date.now();
    fetch(rootPath() + "/healthz", { cache: "no-store" }).then(function (response) {
      return response.json();
    }).then(function (body) {
      var back = Date.now();
      if (typeof body.now_ms === "number" && back - sent < 2000) {
        serverOffsetMs = body.now_ms - (sent + back) / 2;
        tick();
      }
    }).catch(function () { /* keep the offset we have */ });
  }

  // And the cluster's clock may run ahead of the server's. Timestamps of things that have
  // already happened (creation times, pause starts) cannot lie in the future, so the largest
  // such lead seen is that skew. Only elements that arrive can raise it, so it is looked at
  // when they do, not every second.
  var clusterLeadMs = 0;

  function serverNow() { return Date.now() + serverOffsetMs; }

  function noteSkew(root) {
    var now = serverNow();
    root.querySelectorAll("time[data-age], time[data-started]").forEach(function (el) {
      var started = el.hasAttribute("data-started");
      var at = started ? Date.parse(el.getAttribute("data-started")) : timeOf(el);
      if (!isNaN(at) && at - now > clusterLeadMs) clusterLeadMs = at - now;
    });
  }

  /* The cluster's now as this page reckons it (ms since the epoch). */
  function now() { return serverNow() + clusterLeadMs; }

  function tickAge(el, now) {
    var at = timeOf(el);
    if (!isNaN(at)) write(el, humanDuration((now - at) / 1000));
  }

  function tickCountdown(el, now) {
    var at = timeOf(el);
    if (isNaN(at)) return;
    var left = Math.ceil((at - now) / 1000);
    write(el, left > 0 ? "in " + humanDuration(left) : (el.getAttribute("data-done") || "now"));
    el.classList.toggle("is-done", left <= 0);
    // Like upstream, a scale-down countdown goes away once its deadline has passed.
    var box = el.closest("[data-hide-when-done]");
    if (box && box.hidden !== left <= 0) box.hidden = left <= 0;
  }

  /* Every time element under `root` (default: the page). */
  function tick(root) {
    var at = now();
    (root || document).querySelectorAll("time[data-age], time[data-countdown]").forEach(
      function (el) {
        if (el.hasAttribute("data-age")) tickAge(el, at);
        else tickCountdown(el, at);
      });
  }

  /* Elements that just arrived: their skew hints first, then their times. */
  function arrived(root) {
    noteSkew(root);
    tick(root);
  }

  function start() {
    learnServerOffset();
    document.addEventListener("htmx:wsOpen", resync);
    noteSkew(document);
    tick();
    setInterval(function () { tick(); }, 1000);
  }

  R.times = { humanDuration: humanDuration, tick: tick, arrived: arrived, start: start, now: now };
})();
