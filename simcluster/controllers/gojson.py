"""JSON as Go's encoding/json would write a typed Kubernetes/Argo struct.

Argo Rollouts names ReplicaSets after an FNV-32a hash of ``json.Marshal(podTemplateSpec)`` (and
its ``currentStepHash`` after the marshalled steps). Go emits struct fields in declaration order,
drops unknown keys, applies ``omitempty`` and writes zero values for the rest, so hashing the
dict as it arrived would give different names than the real controller. The field table
(``pod_template_fields.txt``) records that order; this module walks a plain dict through it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

_TABLE_PATH = Path(__file__).with_name("pod_template_fields.txt")


@dataclass(frozen=True)
class GoField:
    name: str  # json name, or "~" for an inlined struct
    type: str  # type code, see the header of pod_template_fields.txt
    omitempty: bool


@lru_cache(maxsize=1)
def struct_table() -> dict[str, tuple[GoField, ...]]:
    table: dict[str, tuple[GoField, ...]] = {}
    for line in _TABLE_PATH.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        struct, _, rest = line.partition(":")
        fields = []
        for token in rest.split():
            name, _, code = token.partition("=")
            omit = name.endswith("?")
            fields.append(GoField(name.rstrip("?"), code, omit))
        table[struct.strip()] = tuple(fields)
    return table


def go_marshal(value: Any, type_code: str) -> str:
    """Serialise ``value`` as Go would marshal it when typed as ``type_code``."""
    return _encode(value, type_code)


def _encode(value: Any, code: str) -> str:
    if code.startswith("*"):
        return "null" if value is None else _encode(value, code[1:])
    if code.startswith("["):
        if not isinstance(value, list):
            return "null"
        return "[" + ",".join(_encode(item, code[1:]) for item in value) + "]"
    if code.startswith("{"):
        if not isinstance(value, dict):
            return "null"
        items = sorted((str(k), v) for k, v in value.items())
        return "{" + ",".join(go_string(k) + ":" + _encode(v, code[1:]) for k, v in items) + "}"
    scalar = _SCALARS.get(code)
    if scalar is not None:
        return scalar(value)
    return _encode_struct(value if isinstance(value, dict) else {}, code)


def _encode_struct(value: dict, struct: str) -> str:
    fields = struct_table().get(struct)
    if fields is None:  # not in the table: Go would have rejected or ignored it
        return "{}"
    parts: list[str] = []
    _encode_fields(value, fields, parts)
    return "{" + ",".join(parts) + "}"


def _encode_fields(value: dict, fields: tuple[GoField, ...], parts: list[str]) -> None:
    table = struct_table()
    for field in fields:
        if field.name == "~":
            _encode_fields(value, table.get(field.type, ()), parts)
            continue
        item = value.get(field.name)
        if field.omitempty and _is_empty(item, field.type):
            continue
        parts.append(go_string(field.name) + ":" + _encode(item, field.type))


def _is_empty(item: Any, code: str) -> bool:
    """Go's omitempty: nil pointers, empty slices/maps, zero scalars; never a struct."""
    if code.startswith(("*", "[", "{")):
        return item is None or (not code.startswith("*") and len(item or ()) == 0)
    if code == "s":
        return not isinstance(item, str) or item == ""
    if code in ("i", "f"):
        return not _is_number(item) or item == 0
    if code == "b":
        return item is not True
    return False  # structs (incl. Quantity, IntOrString, Time) are never "empty"


def _is_number(item: Any) -> bool:
    return isinstance(item, int | float) and not isinstance(item, bool)


def _enc_string(value: Any) -> str:
    return go_string(value if isinstance(value, str) else "")


def _enc_int(value: Any) -> str:
    if _is_number(value) and float(value).is_integer():
        return str(int(value))
    return "0"


def _enc_float(value: Any) -> str:
    if not _is_number(value):
        return "0"
    if float(value).is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(float(value))


def _enc_bool(value: Any) -> str:
    return "true" if value is True else "false"


def _enc_int_or_string(value: Any) -> str:
    if isinstance(value, str):
        return go_string(value)
    return _enc_int(value)


def _enc_time(value: Any) -> str:
    return go_string(value) if isinstance(value, str) and value else "null"


def _enc_raw(value: Any) -> str:
    return "null" if value is None else json.dumps(value, separators=(",", ":"))


def _enc_quantity(value: Any) -> str:
    return go_string(canonical_quantity(value))


_SCALARS = {
    "s": _enc_string,
    "i": _enc_int,
    "f": _enc_float,
    "b": _enc_bool,
    "X": _enc_int_or_string,
    "T": _enc_time,
    "R": _enc_raw,
    "Q": _enc_quantity,
}

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def go_string(text: str) -> str:
    """A JSON string as Go writes it: raw UTF-8, with <, >, & and U+2028/9 escaped."""
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch < " " or ch in "<>&\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


_QUANTITY = re.compile(r"^([+-]?[0-9.]+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$")
_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_SUFFIX = {exp: suffix for suffix, exp in _DECIMAL.items()}


def canonical_quantity(value: Any) -> str:
    """The canonical form resource.Quantity marshals to ("0.5" -> "500m", "1024Mi" -> "1Gi")."""
    if isinstance(value, bool) or value is None:
        return "0"
    text = str(value).strip()
    match = _QUANTITY.match(text)
    if not match:
        return text
    try:
        number = Fraction(match.group(1))
    except ValueError:
        return text
    suffix = match.group(2) or ""
    if suffix in _BINARY:
        total = number * 1024 ** _BINARY[suffix]
        if total.denominator == 1:
            return _format_binary(int(total))
        return _format_decimal(total)
    if suffix[:1] in ("e", "E"):
        return _format_decimal(number * Fraction(10) ** int(suffix[1:]))
    return _format_decimal(number * Fraction(10) ** _DECIMAL[suffix])


def _format_binary(total: int) -> str:
    if total == 0:
        return "0"
    for power in range(6, 0, -1):
        unit = 1024**power
        if total % unit == 0:
            suffix = {v: k for k, v in _BINARY.items()}[power]
            return f"{total // unit}{suffix}"
    return str(total)


def _format_decimal(total: Fraction) -> str:
    # Round up to nano precision like Quantity does, then pick the largest exponent (a multiple
    # of three) that keeps the mantissa an integer.
    nanos = -((-total * 10**9) // 1)
    if nanos == 0:
        return "0"
    for exp in range(18, -12, -3):
        scale = Fraction(10) ** (exp + 9)
        if nanos % scale == 0 and exp in _DECIMAL_SUFFIX:
            return f"{int(nanos / scale)}{_DECIMAL_SUFFIX[exp]}"
    return f"{nanos}n"
