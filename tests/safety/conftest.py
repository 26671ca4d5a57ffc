"""One real moderator (shipped model files, bundled embeddings) for the whole session."""

from __future__ import annotations

import pytest

from safety.embedder import E5Embedder
from safety.moderator import LayeredModerator


@pytest.fixture(scope="session")
def embedder() -> E5Embedder:
    return E5Embedder(threads=2)


@pytest.fixture(scope="session")
def moderator(embedder: E5Embedder) -> LayeredModerator:
    return LayeredModerator(embedder=embedder)
