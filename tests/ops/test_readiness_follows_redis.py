"""With the Redis channel layer, /readyz makes a real round trip: ready while Redis answers,
503 naming the channel layer once it is gone (Debian's redis-server, started by the test)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from tests.ops.support import stop
from tests.servers import free_port

REDIS = "/usr/bin/redis-server"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[subprocess.Popen]:
    if shutil.which(REDIS) is None:
        pytest.skip("Debian's redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True,
                             text=True).stdout.strip() != "PONG":
            assert time.monotonic() < deadline and process.poll() is None, "redis did not start"
            time.sleep(0.05)
        process.url = f"redis://127.0.0.1:{port}/0"  # type: ignore[attr-defined]
        yield process
    finally:
        stop(process)


def test_readiness_follows_the_redis_channel_layer(client: Client, settings, redis) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                           "CONFIG": {"hosts": [redis.url]}}}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["channel_layer"] == {"ok": True,
                                                          "detail": "RedisChannelLayer"}
    stop(redis)
    response = client.get("/readyz")
    assert response.status_code == 503
    check = response.json()["checks"]["channel_layer"]
    assert check["ok"] is False and "ConnectionError" in check["detail"]
