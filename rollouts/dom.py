"""The one helper that names DOM elements after rollouts (also the `{% dom_id %}` template tag).

The page render and every live fragment take their ids from here, so an out-of-band swap always
finds the element it replaces. Ids look like `row--default--my-demo--rollouts-demo`: the part,
then cluster, namespace and name joined by `--`.

Each name is encoded so that the id stays a valid HTML id and a plain CSS identifier (no `#a.b`
surprises) and so that two different keys never share an id: characters outside `[a-z0-9-]`
become `_xx` (hex of each UTF-8 byte), and so does a hyphen that would touch another hyphen or
the ends of a name. Encoded names therefore never contain `--`, which keeps the separator
unambiguous.
"""

from __future__ import annotations

import re

from rollouts.keys import RolloutKey

SEPARATOR = "--"
_PART = re.compile(r"^[a-z][a-z0-9-]*$")
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _escape(char: str) -> str:
    return "".join(f"_{byte:02x}" for byte in char.encode("utf-8"))


def encode_name(text: str) -> str:
    """`text` with every character that could break an id or the separator escaped."""
    out = []
    for index, char in enumerate(text):
        out.append(char if char in _PLAIN or _lone_inner_hyphen(text, index) else _escape(char))
    return "".join(out) or "_"


def _lone_inner_hyphen(text: str, index: int) -> bool:
    return (text[index] == "-" and 0 < index < len(text) - 1
            and text[index - 1] != "-" and text[index + 1] != "-")


def dom_id(part: str, key: RolloutKey) -> str:
    """The id of `part` (row, summary, traffic, …) of the rollout `key`."""
    if not _PART.match(part) or SEPARATOR in part:
        raise ValueError(f"a DOM id part is a lowercase word such as 'row', not {part!r}")
    names = (encode_name(key.cluster), encode_name(key.namespace), encode_name(key.name))
    return SEPARATOR.join((part, *names))


# The header's account box (who is signed in, their role here, sign in / sign out).
ACCOUNT_ID = "account"
