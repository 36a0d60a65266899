"""The overview's search rules exist twice: rollouts/search.py (the page as served, the API)
and static/js/search.js (rows that arrive live). Both answer the same table of cases."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from rollouts.search import parse_search, search_matches

HERE = Path(__file__).resolve().parent
CASES = json.loads((HERE / "search_cases.json").read_text(encoding="utf-8"))
SEARCH_JS = HERE.parents[1] / "static" / "js" / "search.js"
NODE_RUNNER = """
const search = require(process.argv[1]);
const data = JSON.parse(require("fs").readFileSync(0, "utf8"));
const answers = data.cases.map(([query]) => Object.entries(data.rollouts)
  .filter(([name, labels]) => search.matches(search.parse(query), name, labels))
  .map(([name]) => name));
process.stdout.write(JSON.stringify(answers));
"""


def python_answer(query: str) -> list[str]:
    terms = parse_search(query)
    return [name for name, labels in CASES["rollouts"].items()
            if search_matches(terms, name, labels)]


@pytest.mark.parametrize(("query", "expected"), CASES["cases"], ids=lambda v: repr(v))
def test_the_python_search_answers_every_case(query: str, expected: list[str]) -> None:
    assert python_answer(query) == expected


def test_the_browser_search_answers_every_case_the_same_way() -> None:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("node is not installed; the browser tests cover search.js instead")
    result = subprocess.run([node, "-e", NODE_RUNNER, str(SEARCH_JS)], input=json.dumps(CASES),
                            capture_output=True, text=True, timeout=30, check=True)
    answers = json.loads(result.stdout)
    expected = [names for _, names in CASES["cases"]]
    mismatches = [(case[0], got, want)
                  for case, got, want in zip(CASES["cases"], answers, expected, strict=True)
                  if got != want]
    assert mismatches == []
