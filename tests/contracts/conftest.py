"""Fixtures of the contract tests (helpers live in contracts_helpers.py)."""

from __future__ import annotations

import pytest
from contracts_helpers import add_member


@pytest.fixture
def make_member(coop_env):  # type: ignore[no-untyped-def]
    return add_member
