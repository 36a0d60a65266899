/* Bringing an element on the page up to date with a new rendering of it, in place.

   Replacing a row element makes the browser drop and rebuild its boxes, lay its parent out
   again and repaint around it, even when the row is off screen; morphing changes only the
   text nodes and attributes that differ, and a change inside an off-screen row (skipped by
   `content-visibility: auto`) then costs no layout or paint at all. The result is the same
   DOM an outerHTML swap would give, except for what the page itself owns:
   - `<time>` elements whose attributes did not change keep their ticked text (times.js);
   - the root keeps `hidden` (the overview's filters) and the `is-selected` class.
   Children are matched by position, so a subtree whose children carry ids (a list of rows)
   is replaced whole rather than having one row's element turned into another's. */
(function () {
  "use strict";

  var R = window.Rollouts = window.Rollouts || {};
  var KEPT_CLASSES = ["is-selected"];

  function syncAttributes(from, to) {
    var names = from.getAttributeNames(), i;
    for (i = 0; i < names.length; i++) {
      if (!to.hasAttribute(names[i])) from.removeAttribute(names[i]);
    }
    names = to.getAttributeNames();
    for (i = 0; i < names.length; i++) {
      var value = to.getAttribute(names[i]);
      if (from.getAttribute(names[i]) !== value) from.setAttribute(names[i], value);
    }
  }

  function sameShallow(a, b) {
    return a.cloneNode(false).isEqualNode(b.cloneNode(false));
  }

  // `to` is not on the page: it is taken (moved) into it wherever `from` must go.
  function morphNode(from, to) {
    if (from.isEqualNode(to)) return;  // native and fast: most of a changed row did not change
    if (from.nodeType !== 1 || from.nodeName !== to.nodeName || from.namespaceURI !== to.namespaceURI ||
        (from.nodeName === "TIME" && !sameShallow(from, to))) {
      from.replaceWith(to);
      return;
    }
    if (from.nodeName === "TIME") return;  // same time: keep the text times.js wrote
    syncAttributes(from, to);
    morphChildren(from, to);
  }

  function morphChildren(from, to) {
    var a = from.firstChild, b = to.firstChild;
    while (a && b) {
      var nextA = a.nextSibling, nextB = b.nextSibling;
      morphNode(a, b);
      a = nextA;
      b = nextB;
    }
    while (a) { var staleNext = a.nextSibling; a.remove(); a = staleNext; }
    while (b) { var newNext = b.nextSibling; from.appendChild(b); b = newNext; }
  }

  function keyedChildren(el) {
    for (var child = el.firstElementChild; child; child = child.nextElementSibling) {
      if (child.id) return true;
    }
    return false;
  }

  /* Make `from` (on the page) equal to `to` (parsed, same id). Returns the element now on the
     page: `from` itself, or `to` when it had to be replaced whole. */
  function morph(from, to) {
    if (from.nodeName !== to.nodeName || keyedChildren(from) || keyedChildren(to)) {
      from.replaceWith(to);
      return to;
    }
    syncRoot(from, to);
    morphChildren(from, to);
    return from;
  }

  function syncRoot(from, to) {
    if (from.hidden) to.hidden = true;
    KEPT_CLASSES.forEach(function (name) {
      if (from.classList.contains(name)) to.classList.add(name);
    });
    syncAttributes(from, to);
  }

  /* A patch (`to`: the new root attributes and, in order, the children of `from` at
     `indexes` as they are now): only those children are morphed. Returns `from`. */
  function morphCells(from, to, indexes) {
    var parts = Array.prototype.slice.call(to.children);
    var cells = Array.prototype.slice.call(from.children);
    if (parts.length !== indexes.length ||
        indexes.some(function (at) { return !cells[at]; })) {
      throw new Error("a row patch that does not fit the row on the page");
    }
    to.setAttribute("hx-swap-oob", "true");  // what the whole row says (patches.py)
    syncRoot(from, to);
    indexes.forEach(function (at, k) { morphNode(cells[at], parts[k]); });
    return from;
  }

  R.morph = morph;
  R.morphCells = morphCells;
})();
