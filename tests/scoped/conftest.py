from __future__ import annotations

from typing import Any

import pytest

# The live tests' clean layer and cache between tests, and their publisher.
from tests.live.conftest import clean_layer_and_cache, publisher  # noqa: F401


@pytest.fixture(autouse=True)
def signing_in(settings: Any) -> None:
    """Local accounts; anonymous may see nothing; sockets recheck their access quickly."""
    settings.ROLLOUTS_AUTH, settings.ROLLOUTS_ANONYMOUS_ROLE = "local", "none"
    settings.ROLLOUTS_ACCESS_RECHECK_SECONDS = 0.2
