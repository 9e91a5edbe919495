"""Instants at which the UTC date and the Brussels business date part ways.

Date-sensitive tests take the `business_clock` fixture parametrized with these
(`@at_split_instants`): the whole test then runs with `governance.clock` frozen there.
"""

from __future__ import annotations

import pytest

SPLIT_INSTANTS = [
    pytest.param("2026-12-31T23:30:00+00:00", id="winter-23h30utc-new-year"),
    pytest.param("2026-06-30T22:30:00+00:00", id="summer-22h30utc-half-year"),
    pytest.param("2026-03-29T01:30:00+00:00", id="spring-change-night"),
    pytest.param("2026-10-25T00:30:00+00:00", id="autumn-change-night-first-2h30"),
    pytest.param("2026-10-25T01:30:00+00:00", id="autumn-change-night-second-2h30"),
]

at_split_instants = pytest.mark.parametrize("business_clock", SPLIT_INSTANTS, indirect=True)
