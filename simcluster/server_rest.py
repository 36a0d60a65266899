"""REST verbs on resource paths: get, list (or watch), create, replace, patch, delete."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import yaml
from aiohttp import web

from simcluster.encoding import encode
from simcluster.errors import ApiError, invalid, not_found
from simcluster.leases import admit_lease
from simcluster.patching import PATCH_TYPES, check_patch_type, media_type
from simcluster.quantities import admit as admit_quantities
from simcluster.resources import ResourceType
from simcluster.routing import Target
from simcluster.selectors import combine, field_predicate, label_predicate
from simcluster.server_watch import WatchStream

if TYPE_CHECKING:
    from simcluster.server import SimServer

JSON_TYPES = ("", "application/json", "*/*")
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml")
# On create, clients cannot pose these: the server assigns them.
_SERVER_ASSIGNED = ("uid", "creationTimestamp", "generation", "resourceVersion",
                    "deletionTimestamp", "managedFields", "selfLink")


def admit(rtype: ResourceType, obj: Any) -> None:
    """The write path's checks on what is about to be stored (the decoder's and validation's)."""
    admit_quantities(rtype, obj)
    admit_lease(rtype, obj)


def json_response(body: Any, status: int = 200) -> web.Response:
    data = body if isinstance(body, bytes) else encode(body)
    return web.Response(body=data, status=status, content_type="application/json")


def is_true(value: str | None) -> bool:
    return value in ("true", "1", "True")


async def read_body(request: web.Request) -> Any:
    """The JSON (or YAML) request body; 422 for a body that is not one, 415 for other types."""
    raw = await request.read()
    kind = media_type(request.headers.get("Content-Type"))
    if not raw.strip():
        raise ApiError(422, "the request body is empty", reason="Invalid")
    try:
        if kind in JSON_TYPES or kind in PATCH_TYPES:
            return json.loads(raw)
        if kind in YAML_TYPES:
            return yaml.safe_load(raw)
    except (ValueError, yaml.YAMLError) as error:
        raise ApiError(422, f"the request body is not valid JSON: {error}",
                       reason="Invalid") from None
    hint = (" (kubectl's typed commands such as `create namespace` send protobuf: use "
            "`kubectl apply -f` / `create -f` with a manifest)") if "protobuf" in kind else ""
    raise ApiError(415, f"unsupported media type {kind!r}: simcluster speaks application/json"
                        f"{hint}")


def dry_run(request: web.Request, options: dict[str, Any] | None = None) -> bool:
    values = request.query.getall("dryRun", [])
    if options and isinstance(options.get("dryRun"), list):
        values = [*values, *options["dryRun"]]
    for value in values:
        if value != "All":
            raise ApiError(400, f'invalid dryRun value {value!r}: only "All" is supported')
    return bool(values)


async def handle(server: SimServer, request: web.Request, target: Target) -> web.StreamResponse:
    method = request.method
    if target.is_collection:
        verbs = {"GET": list_or_watch, "POST": create, "DELETE": delete_collection}
    else:
        verbs = {"GET": get, "PUT": replace, "PATCH": patch, "DELETE": delete}
    verb = verbs.get(method)
    if verb is None:
        raise ApiError(405, f"the server does not allow this method ({method}) on the requested "
                            "resource", reason="MethodNotAllowed")
    return await verb(server, request, target)


async def get(server: SimServer, request: web.Request, target: Target) -> web.Response:
    if target.subresource not in (None, "status") or (
        target.subresource and not target.rtype.has_status
    ):
        raise ApiError(404, f"the server could not find the requested resource "
                            f"({target.rtype.plural}/{target.subresource})")
    obj = server.store.get(target.rtype.key, target.namespace, target.name or "")
    if obj is None:
        raise not_found(target.rtype.group, target.rtype.plural, target.name or "")
    return json_response(server.cache.object_bytes(obj, target.api_version))


def _selectors(request: web.Request, target: Target):
    return combine(label_predicate(request.query.get("labelSelector")),
                   field_predicate(target.rtype.key, request.query.get("fieldSelector")))


def _resource_version(request: web.Request) -> str:
    rv = request.query.get("resourceVersion", "")
    if rv and not rv.isdigit():
        raise ApiError(400, f"invalid resourceVersion {rv!r}: expected an unsigned integer")
    return rv


async def list_or_watch(server: SimServer, request: web.Request,
                        target: Target) -> web.StreamResponse:
    matches = _selectors(request, target)
    rv = _resource_version(request)
    if is_true(request.query.get("watch")):
        return await watch(server, request, target, matches, rv)
    if rv and request.query.get("resourceVersionMatch") == "Exact" and (
        int(rv) < server.store.oldest_rv()
    ):
        raise ApiError(410, f"too old resource version: {rv} ({server.store.oldest_rv()})",
                       reason="Expired")
    items, current = server.store.snapshot(target.rtype.key, target.namespace, matches)
    body = server.cache.list_body(target.rtype.list_kind, target.api_version, current, items)
    return json_response(body)


async def watch(server: SimServer, request: web.Request, target: Target, matches,
                rv: str) -> web.StreamResponse:
    if is_true(request.query.get("sendInitialEvents")):
        raise ApiError(400, "sendInitialEvents (streaming lists) is not supported by simcluster; "
                            "list, then watch from the list's resourceVersion")
    timeout = request.query.get("timeoutSeconds")
    if timeout is not None and not timeout.isdigit():
        raise ApiError(400, f"invalid timeoutSeconds {timeout!r}: expected a whole number")
    bookmarks = is_true(request.query.get("allowWatchBookmarks"))
    server.watch_requests.append({"path": request.path, "query": dict(request.query)})
    flag = server.broadcaster.register()
    stream = WatchStream(request, target, server.store, server.cache, matches, flag,
                         server.settings, bookmarks=bookmarks,
                         timeout=float(timeout) if timeout is not None else None)
    server.watches.add(stream)
    try:
        await stream.run(rv)
    except (ConnectionError, RuntimeError):
        pass  # the client went away (or was cut off by drop_watches): nothing left to send
    finally:
        server.watches.discard(stream)
        server.broadcaster.unregister(flag)
    return stream.response


async def create(server: SimServer, request: web.Request, target: Target) -> web.Response:
    obj = await read_body(request)
    if isinstance(obj, dict):
        meta = obj.get("metadata")
        if isinstance(meta, dict):
            obj = {**obj, "metadata": {k: v for k, v in meta.items() if k not in _SERVER_ASSIGNED}}
        if target.rtype.has_status:
            obj = {k: v for k, v in obj.items() if k != "status"}  # create ignores status
    created = server.store.create(target.rtype.key, obj, namespace=target.namespace,
                                  dry_run=dry_run(request), admit=admit)
    return json_response(encode(_served(created, target)), status=201)


def _served(obj: dict[str, Any], target: Target) -> dict[str, Any]:
    return {**obj, "apiVersion": target.api_version}


def _check_identity(obj: Any, target: Target) -> dict[str, Any]:
    if not isinstance(obj, dict) or not isinstance(obj.get("metadata"), dict):
        raise invalid(target.rtype.kind, target.name or "", "metadata: Required value")
    meta = obj["metadata"]
    if meta.get("name") != target.name:
        raise invalid(target.rtype.kind, target.name or "",
                      f"metadata.name: Invalid value: {meta.get('name')!r}: does not match the "
                      f"name in the URL ({target.name!r})")
    if target.rtype.namespaced and meta.get("namespace") not in (None, "", target.namespace):
        raise invalid(target.rtype.kind, target.name or "",
                      f"metadata.namespace: Invalid value: {meta.get('namespace')!r}: does not "
                      f"match the namespace in the URL ({target.namespace!r})")
    if target.rtype.namespaced:
        obj = {**obj, "metadata": {**meta, "namespace": target.namespace}}
    return obj


async def replace(server: SimServer, request: web.Request, target: Target) -> web.Response:
    obj = _check_identity(await read_body(request), target)
    replaced = server.store.replace(target.rtype.key, obj, subresource=target.subresource,
                                    dry_run=dry_run(request), admit=admit)
    return json_response(encode(_served(replaced, target)))


async def patch(server: SimServer, request: web.Request, target: Target) -> web.Response:
    content_type = request.headers.get("Content-Type")
    check_patch_type(content_type, strategic_allowed=target.rtype.builtin)  # 415 before parsing
    body = await read_body(request)
    patched = server.store.patch(target.rtype.key, target.namespace, target.name or "", body,
                                 content_type or "", subresource=target.subresource,
                                 dry_run=dry_run(request), admit=admit)
    return json_response(encode(_served(patched, target)))


async def _delete_options(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        options = json.loads(raw)
    except ValueError as error:
        raise ApiError(422, f"DeleteOptions are not valid JSON: {error}",
                       reason="Invalid") from None
    return options if isinstance(options, dict) else {}


async def delete(server: SimServer, request: web.Request, target: Target) -> web.Response:
    options = await _delete_options(request)
    policy = request.query.get("propagationPolicy") or options.get("propagationPolicy")
    if policy not in (None, "Background", "Foreground", "Orphan"):
        raise ApiError(400, f"invalid propagationPolicy {policy!r}")
    if is_true(request.query.get("orphanDependents")) or options.get("orphanDependents") is True:
        policy = "Orphan"
    pre = options.get("preconditions") if isinstance(options.get("preconditions"), dict) else {}
    deleted = server.store.delete(
        target.rtype.key, target.namespace, target.name or "", propagation=policy or "Background",
        dry_run=dry_run(request, options), precondition_uid=pre.get("uid"),
        precondition_rv=pre.get("resourceVersion"))
    return json_response(encode(_served(deleted, target)))


async def delete_collection(server: SimServer, request: web.Request,
                            target: Target) -> web.Response:
    matches = _selectors(request, target)
    items, _ = server.store.snapshot(target.rtype.key, target.namespace, matches)
    options = await _delete_options(request)
    deleted = []
    for item in items:
        meta = item["metadata"]
        if server.store.get(target.rtype.key, meta.get("namespace"), meta["name"]) is None:
            continue  # already garbage-collected along with an earlier owner
        deleted.append(_served(server.store.delete(
            target.rtype.key, meta.get("namespace"), meta["name"],
            dry_run=dry_run(request, options)), target))
    body = {"kind": target.rtype.list_kind, "apiVersion": target.api_version,
            "metadata": {"resourceVersion": str(server.store.resource_version)}, "items": deleted}
    return json_response(body)
