/* The overview's search syntax, the same rules as rollouts/search.py (tests/web checks both
   against one table of cases): comma-separated terms, a rollout matches when any term does.
   `demo` name contains, `"demo"` name is, `!demo` name does not contain, `app:web` label
   contains, `app:"web"` label is. */
(function (root) {
  "use strict";

  function parse(query) {
    var terms = [];
    String(query == null ? "" : query).split(",").forEach(function (raw) {
      var term = raw.trim();
      if (!term) return;
      if (term.indexOf(":") >= 0) {
        // Like upstream, only the text between the first and second colon is the value.
        var parts = term.split(":");
        var key = parts[0], value = parts[1];
        var exact = value.length >= 2 && value.charAt(0) === '"' && value.charAt(value.length - 1) === '"';
        terms.push({ text: exact ? value.slice(1, -1) : value, label: key, exact: exact, negated: false });
        return;
      }
      var negated = term.charAt(0) === "!";
      if (negated) term = term.slice(1);
      var quoted = term.charAt(0) === '"' && term.charAt(term.length - 1) === '"' && term.length > 0;
      terms.push({ text: term.split('"').join(""), label: null, exact: quoted, negated: negated });
    });
    return terms;
  }

  function termMatches(term, name, labels) {
    if (term.label !== null) {
      var value = Object.prototype.hasOwnProperty.call(labels, term.label) ? labels[term.label] : null;
      // An empty label value never matches, as upstream's truthiness check has it.
      if (typeof value !== "string" || !value) return false;
      return term.exact ? value === term.text : value.indexOf(term.text) >= 0;
    }
    var found = term.exact ? name === term.text : name.indexOf(term.text) >= 0;
    return term.negated ? !found : found;
  }

  function matches(terms, name, labels) {
    if (!terms.length) return true;
    labels = labels || {};
    for (var i = 0; i < terms.length; i++) {
      if (termMatches(terms[i], String(name), labels)) return true;
    }
    return false;
  }

  var api = { parse: parse, matches: matches };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.RolloutSearch = api;
})(this);
