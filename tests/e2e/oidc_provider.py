"""A real OpenID provider for the sign-in tests: oidc-provider-mock as its own process.

The provider names its issuer after the Host header it is asked with. `IssuerProxy` sits in
front of it on another port and forwards every request unchanged, except that it can send the
token request to the provider under another host name (so the ID token names a wrong issuer),
swap the nonce of an authorization request for one of its own (so the ID token carries a nonce
the dashboard never sent), or send everything to a second provider whose tokens live a second,
and hand its token response over only after they have expired.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.servers import free_port

START_TIMEOUT = 30.0
# The expiring provider's tokens live this long (its --token-max-age; 0 breaks it).
EXPIRING_MAX_AGE = 1
# The nonce the "forged-nonce" mode puts in authorization requests instead of the dashboard's.
FORGED_NONCE = "forged-by-the-issuer-proxy"


class Provider:
    def __init__(self, log_dir: Path, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"oidc-provider-{self.port}.log"
        self.args = args
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--port", str(self.port), *self.args],
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the OIDC provider exited early; see {self.log_path}")
            try:
                with urllib.request.urlopen(
                        self.url + "/.well-known/openid-configuration", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the OIDC provider did not answer; see {self.log_path}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def set_user(self, sub: str, **claims: Any) -> None:
        """The claims the provider hands out for `sub` from now on (its PUT /users/<sub>)."""
        request = urllib.request.Request(f"{self.url}/users/{sub}", method="PUT",
                                         data=json.dumps(claims).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204


class IssuerProxy:
    """Forwards to `normal`; `mode` "wrong-issuer", "forged-nonce" or "expired" changes what
    the tokens say."""

    def __init__(self, normal: Provider, expiring: Provider) -> None:
        self.normal, self.expiring = normal, expiring
        self.mode = "normal"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                proxy.forward(self)

            do_POST = do_PUT = do_GET

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        upstream = self.expiring if self.mode == "expired" else self.normal
        late = self.mode == "expired" and handler.path.startswith("/oauth2/token")
        headers = {k: v for k, v in handler.headers.items() if k.lower() != "host"}
        headers["Host"] = handler.headers.get("Host", f"127.0.0.1:{self.port}")
        if self.mode == "wrong-issuer" and handler.path.startswith("/oauth2/token"):
            headers["Host"] = f"localhost:{upstream.port}"
        path = handler.path
        if self.mode == "forged-nonce" and path.startswith("/oauth2/authorize"):
            path = _with_nonce(path, FORGED_NONCE)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        conn = http.client.HTTPConnection("127.0.0.1", upstream.port, timeout=30)
        try:
            conn.request(handler.command, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        if late:
            time.sleep(EXPIRING_MAX_AGE + 1)  # the ID token expires on its way
        handler.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


def _with_nonce(path: str, nonce: str) -> str:
    """The request path with its `nonce` parameter replaced. The provider's consent form posts
    back to the same URL, so both the GET and the POST of the authorization are rewritten and
    the code it issues carries the forged nonce into the ID token."""
    parts = urlsplit(path)
    query = [(key, nonce if key == "nonce" else value)
             for key, value in parse_qsl(parts.query, keep_blank_values=True)]
    assert any(key == "nonce" for key, _ in query), f"no nonce to forge in {path}"
    return f"{parts.path}?{urlencode(query)}"
