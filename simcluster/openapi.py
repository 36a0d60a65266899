"""`/openapi/v2`: just enough of a Swagger document for `kubectl apply` to validate.

kubectl downloads the v2 document as protobuf (gnostic `openapi.v2.Document`) before applying;
without one it refuses unless given `--validate=false`. We serve a valid document with no schema
definitions: kubectl then finds no schema for a kind and skips client-side validation for it,
which is what a real server does for a CRD without a structural schema. JSON is served to clients
that ask for it. `/openapi/v3` answers 404, so kubectl falls back to v2 (as with older servers).
"""

from __future__ import annotations

import json

from aiohttp import web

from simcluster.discovery import version_info
from simcluster.errors import ApiError

# The apiserver answers with ".v1.0" (an "@" is not a valid media type for Go's mime parser).
PROTOBUF_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
TITLE = "Kubernetes (simcluster)"


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        low = number & 0x7F
        number >>= 7
        if number:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field (wire type 2): strings and sub-messages."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def swagger_protobuf() -> bytes:
    # openapi.v2.Document: swagger = 1, info = 2 (Info: title = 1, version = 2), paths = 8.
    info = _field(1, TITLE.encode()) + _field(2, version_info()["gitVersion"].encode())
    return _field(1, b"2.0") + _field(2, info) + _field(8, b"")


def swagger_json() -> dict:
    return {"swagger": "2.0", "info": {"title": TITLE, "version": version_info()["gitVersion"]},
            "paths": {}, "definitions": {}}


def handle(request: web.Request, path: str) -> web.Response:
    if path != "/openapi/v2" or request.method != "GET":
        raise ApiError(404, f"the server could not find the requested resource ({path})")
    accept = request.headers.get("Accept", "")
    if "protobuf" in accept:
        return web.Response(body=swagger_protobuf(), headers={"Content-Type": PROTOBUF_TYPE})
    return web.Response(body=json.dumps(swagger_json()).encode(),
                        content_type="application/json")
