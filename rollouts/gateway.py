"""The only door to the cluster: the official kubernetes client in, plain dicts and our errors out.

Two surfaces over one kind table:
- `Gateway` (sync, `kubernetes.client`) for actions and the CLI: get/list/patch/replace/delete.
- `AsyncGateway` (`kubernetes.aio`, one ApiClient per event loop) for the watcher: list / watch.

Requests are built with the client's own `param_serialize` + `call_api` (auth, host, query
encoding) and answered as raw bytes we `json.loads`: objects come back exactly as the API sent
them (camelCase, unknown fields kept), which the typed pydantic models would not do, and faster.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import urllib3
from kubernetes import client as sync_client
from kubernetes import config as sync_config
from kubernetes.aio import client as aio_client
from kubernetes.aio import config as aio_config
from kubernetes.aio.config import ConfigException as AioConfigException
from kubernetes.aio.watch import Watch
from kubernetes.config.config_exception import ConfigException

from rollouts.errors import (
    ClusterConfigError,
    ClusterError,
    NotFound,
    Unreachable,
    error_for_status,
)
from rollouts.kinds import (
    PATCH_TYPES,
    ClusterConfig,
    Discovery,
    KindTable,
    choose_discovery,
    collection_path,
    config_problem,
    discovery_paths,
    error_from_body,
    items_and_rv,
    kind_info,
    object_path,
    parse_json,
    plurals_of,
)

SERVICE_ACCOUNT_NAMESPACE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"


def default_namespace(config: ClusterConfig) -> str:
    """The namespace of the kubeconfig's context (or of the service account), else "default"."""
    if config.kubeconfig:
        try:
            contexts, current = sync_config.list_kube_config_contexts(config.kubeconfig)
        except (ConfigException, OSError, ValueError):
            return "default"
        chosen = next((c for c in contexts if c.get("name") == config.context), current)
        return ((chosen or {}).get("context") or {}).get("namespace") or "default"
    try:
        with open(SERVICE_ACCOUNT_NAMESPACE, encoding="utf-8") as handle:
            return handle.read().strip() or "default"
    except OSError:
        return "default"


# --- Sync surface --------------------------------------------------------------------------

_RETRY_DELAYS = (0.2, 0.6)  # reads only: writes are never repeated behind the caller's back


class Gateway(KindTable):
    """Blocking calls for actions and the CLI. Thread-safe (urllib3's pool is)."""

    def __init__(self, config: ClusterConfig | None = None) -> None:
        self.config = config or ClusterConfig.from_settings()
        configuration = sync_client.Configuration()
        try:
            if self.config.kubeconfig:
                sync_config.load_kube_config(
                    config_file=self.config.kubeconfig,
                    context=self.config.context or None,
                    client_configuration=configuration,
                    persist_config=False,
                )
            else:
                sync_config.load_incluster_config(client_configuration=configuration)
        except (ConfigException, OSError, ValueError, TypeError) as exc:
            raise ClusterConfigError(config_problem(self.config, exc)) from None
        self.api = sync_client.ApiClient(configuration)
        self.default_namespace = default_namespace(self.config)

    def close(self) -> None:
        self.api.close()

    def _request(self, method: str, path: str, *, query: list | None = None,
                 body: Any = None, content_type: str | None = None) -> Any:
        headers = {"Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        params = self.api.param_serialize(
            method, path, query_params=query or [], header_params=headers, body=body,
            auth_settings=["BearerToken"],
        )
        attempts = (0.0, *_RETRY_DELAYS) if method == "GET" else (0.0,)
        for delay in attempts:
            time.sleep(delay)
            try:
                return self._send(params)
            except Unreachable as exc:
                if exc.reason == "Timeout" or delay == attempts[-1]:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(self, params: tuple) -> Any:
        method, url, headers, body, post = params
        try:
            response = self.api.call_api(
                method, url, header_params=headers, body=body, post_params=post,
                _request_timeout=self.config.request_timeout,
            )
            data = response.read()
        except urllib3.exceptions.TimeoutError as exc:
            raise Unreachable(0, "Timeout", f"{method} {url}: {exc}") from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise Unreachable(0, "ConnectionError", f"{method} {url}: {exc}") from None
        if response.status >= 400:
            raise error_from_body(response.status, response.reason, data)
        return parse_json(data)

    def _discover_for_version(self) -> None:
        self.discover()

    def discover(self) -> Discovery:
        served: dict[str, set[str] | None] = {}
        for group_version in discovery_paths(self.config.istio_version):
            try:
                served[group_version] = plurals_of(self._request("GET", f"/apis/{group_version}"))
            except ClusterError as exc:
                if exc.status != 404:
                    raise
                served[group_version] = None
        self.discovery = choose_discovery(served, self.config.istio_version)
        return self.discovery

    def get(self, kind: str, namespace: str, name: str) -> dict:
        info = kind_info(kind)
        return self._request("GET", object_path(info, self.version_of(info), namespace, name))

    def list(self, kind: str, namespace: str | None = None,
             label_selector: str | None = None) -> tuple[list[dict], str]:
        info = kind_info(kind)
        query = [("labelSelector", label_selector)] if label_selector else []
        path = collection_path(info, self.version_of(info), namespace)
        return items_and_rv(self._request("GET", path, query=query))

    def patch(self, kind: str, namespace: str, name: str, body: Any, patch_type: str = "merge",
              subresource: str | None = None) -> dict:
        if patch_type not in PATCH_TYPES:
            raise ValueError(f"patch_type must be one of {', '.join(PATCH_TYPES)}")
        info = kind_info(kind)
        path = object_path(info, self.version_of(info), namespace, name, subresource)
        return self._request("PATCH", path, body=body, content_type=PATCH_TYPES[patch_type])

    def replace(self, kind: str, namespace: str, name: str, obj: dict) -> dict:
        info = kind_info(kind)
        path = object_path(info, self.version_of(info), namespace, name)
        return self._request("PUT", path, body=obj, content_type="application/json")

    def delete(self, kind: str, namespace: str, name: str) -> dict:
        info = kind_info(kind)
        path = object_path(info, self.version_of(info), namespace, name)
        return self._request("DELETE", path)


    # --- Leases (coordination.k8s.io/v1), for the watcher's leader election ---------------

    def get_lease(self, namespace: str, name: str) -> dict | None:
        """The Lease as the API serves it, or None when there is none."""
        try:
            return self._request("GET", _lease_path(namespace, name))
        except NotFound:
            return None

    def create_lease(self, namespace: str, lease: dict) -> dict:
        """Create; Conflict (409 AlreadyExists) when another process created it first."""
        return self._request("POST", _lease_path(namespace), body=lease,
                             content_type="application/json")

    def replace_lease(self, namespace: str, name: str, lease: dict) -> dict:
        """Update carrying the resourceVersion read; Conflict (409) when someone wrote since."""
        return self._request("PUT", _lease_path(namespace, name), body=lease,
                             content_type="application/json")


def _lease_path(namespace: str, name: str = "") -> str:
    path = f"/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases"
    return f"{path}/{name}" if name else path


_shared: dict[ClusterConfig, Gateway] = {}
_shared_lock = threading.Lock()


def get_gateway() -> Gateway:
    """The process's sync gateway for the current settings (a new one if they changed)."""
    config = ClusterConfig.from_settings()
    with _shared_lock:
        if config not in _shared:
            _shared[config] = Gateway(config)
        return _shared[config]


# --- Async surface -------------------------------------------------------------------------

_NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, OSError)


class AsyncGateway(KindTable):
    """`kubernetes.aio` calls for the watcher. Create, use and close on one event loop."""

    def __init__(self, config: ClusterConfig | None = None) -> None:
        self.config = config or ClusterConfig.from_settings()
        self.api: Any = None

    async def open(self) -> AsyncGateway:
        configuration = aio_client.Configuration()
        try:
            if self.config.kubeconfig:
                await aio_config.load_kube_config(
                    config_file=self.config.kubeconfig,
                    context=self.config.context or None,
                    client_configuration=configuration,
                    persist_config=False,
                )
            else:
                aio_config.load_incluster_config(client_configuration=configuration)
        except (ConfigException, AioConfigException, OSError, ValueError, TypeError) as exc:
            raise ClusterConfigError(config_problem(self.config, exc)) from None
        # Every watch holds a connection for minutes: the default pool of 100 is the ceiling.
        configuration.connection_pool_maxsize = 512
        self.api = aio_client.ApiClient(configuration)
        return self

    async def close(self) -> None:
        if self.api is not None:
            await self.api.close()
            self.api = None

    async def __aenter__(self) -> AsyncGateway:
        return await self.open()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _send(self, path: str, query: list, timeout: float) -> Any:
        """GET `path`; the raw aiohttp response on 200, our exception otherwise."""
        params = await self.api.param_serialize(
            "GET", path, query_params=query, header_params={"Accept": "application/json"},
            auth_settings=["BearerToken"],
        )
        method, url, headers, body, post = params
        try:
            response = await self.api.call_api(
                method, url, header_params=headers, body=body, post_params=post,
                _request_timeout=timeout,
            )
            if response.status >= 400:
                raise error_from_body(response.status, response.reason, await response.read())
        except _NETWORK_ERRORS as exc:
            raise Unreachable(0, type(exc).__name__, f"GET {url}: {exc}") from None
        return response

    async def _get_json(self, path: str, query: list | None = None) -> Any:
        response = await self._send(path, query or [], self.config.request_timeout)
        try:
            data = await response.read()
        except _NETWORK_ERRORS as exc:
            raise Unreachable(0, type(exc).__name__, f"GET {path}: {exc}") from None
        return parse_json(data)

    async def discover(self) -> Discovery:
        served: dict[str, set[str] | None] = {}
        for group_version in discovery_paths(self.config.istio_version):
            try:
                served[group_version] = plurals_of(await self._get_json(f"/apis/{group_version}"))
            except ClusterError as exc:
                if exc.status != 404:
                    raise
                served[group_version] = None
        self.discovery = choose_discovery(served, self.config.istio_version)
        return self.discovery

    def _discover_for_version(self) -> None:
        raise RuntimeError("AsyncGateway.discover() must run before Istio kinds are used")

    async def list(self, kind: str, namespace: str | None = None, *,
                   limit: int | None = None) -> tuple[list[Any], str]:
        info = kind_info(kind)
        path = collection_path(info, self.version_of(info), namespace)
        query = [("limit", limit)] if limit else []
        return items_and_rv(await self._get_json(path, query))

    async def watch(self, kind: str, namespace: str | None, resource_version: str,
                    timeout_seconds: int, request_timeout: float,
                    ) -> AsyncIterator[tuple[str, Any]]:
        """(type, raw object) events; BOOKMARKs included; ERROR events raise (410 → Gone)."""
        info = kind_info(kind)
        path = collection_path(info, self.version_of(info), namespace)
        watch = Watch()
        stream = watch.stream(
            self._watch_request, path, resource_version=resource_version,
            allow_watch_bookmarks=True, timeout_seconds=timeout_seconds,
            _request_timeout=request_timeout,
        )
        async with watch:
            while True:
                try:
                    event = await stream.__anext__()
                except StopAsyncIteration:
                    return
                except ClusterError:
                    raise
                except aio_client.ApiException as exc:
                    raise _error_from_watch(exc) from None
                except _NETWORK_ERRORS as exc:
                    raise Unreachable(0, type(exc).__name__, f"watch {path}: {exc}") from None
                except Exception as exc:  # the client's parser raises bare Exceptions
                    raise ClusterError(0, "BadWatchEvent", str(exc)[:500]) from None
                yield _event_pair(event)

    async def _watch_request(self, path: str, *, watch: bool, resource_version: str,
                             allow_watch_bookmarks: bool, timeout_seconds: int,
                             _request_timeout: float, _preload_content: bool = False) -> Any:
        # Called by kubernetes.aio's Watch, which reads lines from the aiohttp response.
        query = [
            ("watch", "true" if watch else "false"),
            ("allowWatchBookmarks", "true" if allow_watch_bookmarks else "false"),
            ("timeoutSeconds", timeout_seconds),
        ]
        if resource_version:
            query.append(("resourceVersion", resource_version))
        return (await self._send(path, query, _request_timeout)).response


def _error_from_watch(exc: Any) -> ClusterError:
    # The client folds an ERROR event into reason="<Reason>: <message>" and no body.
    if exc.body:
        return error_from_body(exc.status or 0, exc.reason, exc.body)
    reason, _, message = str(exc.reason or "").partition(": ")
    return error_for_status(exc.status or 0, reason or "Error", message or reason)


def _event_pair(event: Any) -> tuple[str, Any]:
    if not isinstance(event, dict):  # a line that was not JSON comes back as the raw string
        return "MALFORMED", event
    return str(event.get("type")), event.get("raw_object", event.get("object"))

