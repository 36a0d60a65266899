"""The overview's filters and sorting, as they travel in the URL query.

`?namespace=my-demo&q=demo,!old&status=Paused,Degraded&attention=1&sort=-changed`

The server applies them to the first render; `static/js/overview.js` applies the same rules to
rows that arrive live (the search through `static/js/search.js`, which mirrors
`rollouts.search`). A row is shown when the search matches, its status is one of the chosen
ones (any when none is chosen) and, with "needs attention" on, it needs attention. The chip
counts count the rows the search matches, whatever the chips say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from rollouts.present import status_rank, step_sort_value
from rollouts.readmodel import RowData
from rollouts.search import parse_search, search_matches

STATUSES = ("Progressing", "Paused", "Degraded", "Healthy")
SORTS = ("name", "namespace", "status", "step", "changed")
# "changed" reads best newest first; everything else A→Z / low→high.
DESCENDING_BY_DEFAULT = frozenset({"changed"})


@dataclass(frozen=True)
class ListQuery:
    namespace: str = ""
    search: str = ""
    statuses: tuple[str, ...] = ()
    attention: bool = False
    sort: str = "name"
    descending: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> ListQuery:
        """Unknown statuses and sort keys are ignored rather than refused: it is a URL."""
        wanted = {s.strip().lower() for s in str(params.get("status", "")).split(",")}
        statuses = tuple(s for s in STATUSES if s.lower() in wanted)
        sort = str(params.get("sort", "") or "name")
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        if sort not in SORTS:
            sort, descending = "name", False
        return cls(
            namespace=str(params.get("namespace", "")).strip(),
            search=str(params.get("q", "")).strip(),
            statuses=statuses,
            attention=str(params.get("attention", "")).lower() in ("1", "true", "yes", "on"),
            sort=sort,
            descending=descending,
        )

    def params(self) -> dict[str, str]:
        params = {"namespace": self.namespace, "q": self.search,
                  "status": ",".join(self.statuses), "attention": "1" if self.attention else "",
                  "sort": "" if (self.sort, self.descending) == ("name", False) else
                  ("-" if self.descending else "") + self.sort}
        return {key: value for key, value in params.items() if value}

    def url(self, **changes: object) -> str:
        query = urlencode(replace(self, **changes).params())
        return f"?{query}" if query else "?"

    def toggle_status(self, status: str) -> str:
        chosen = [s for s in self.statuses if s != status]
        if status not in self.statuses:
            chosen.append(status)
        return self.url(statuses=tuple(s for s in STATUSES if s in chosen))

    def sort_url(self, key: str) -> str:
        if key == self.sort:
            return self.url(descending=not self.descending)
        return self.url(sort=key, descending=key in DESCENDING_BY_DEFAULT)


def _status(row: RowData) -> str:
    status = row.info.get("status")
    return status if isinstance(status, str) and status else "Unknown"


def _labels(row: RowData) -> dict[str, str]:
    labels = row.info.get("labels")
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


def search_hits(rows: list[RowData], query: ListQuery) -> list[RowData]:
    terms = parse_search(query.search)
    return [row for row in rows if search_matches(terms, row.key.name, _labels(row))]


def visible(row: RowData, query: ListQuery) -> bool:
    """Status and attention filters (the search is applied by `search_hits`)."""
    if query.statuses and _status(row) not in query.statuses:
        return False
    return not query.attention or row.info.get("needs_attention") is True


def _sort_key(row: RowData, sort: str) -> tuple:
    name = (row.key.name, row.key.namespace)
    if sort == "namespace":
        return (row.key.namespace, row.key.name)
    if sort == "status":
        return (status_rank(_status(row)), *name)
    if sort == "step":
        return (step_sort_value(row.info), *name)
    if sort == "changed":
        return (row.changed_at.timestamp() if row.changed_at else 0.0, *name)
    return name


def shown_rows(rows: list[RowData], query: ListQuery) -> list[RowData]:
    """The rows the page shows, in the chosen order."""
    kept = [row for row in search_hits(rows, query) if visible(row, query)]
    return sorted(kept, key=lambda row: _sort_key(row, query.sort), reverse=query.descending)


def counts(rows: list[RowData], query: ListQuery) -> dict[str, int]:
    """Per status and "attention", among the rows the search matches."""
    hits = search_hits(rows, query)
    result = {status: sum(1 for row in hits if _status(row) == status) for status in STATUSES}
    result["attention"] = sum(1 for row in hits if row.info.get("needs_attention") is True)
    return result
