"""The live path: Statistics Norway's statistics bank itself. Opt-in, never in the default run:
``PLANGRAPH_LIVE=1 .venv/bin/python -m pytest -m live tests/importers``."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph.importers import base, ssb
from plangraph.store import PlanStore

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        os.environ.get("PLANGRAPH_LIVE") != "1", reason="reaches data.ssb.no; set PLANGRAPH_LIVE=1"
    ),
]


def test_bergen_s_population_comes_from_the_statistics_bank(tmp_path: Path) -> None:
    store = PlanStore.open(tmp_path / "store")
    try:
        result = base.run(ssb.job("07459", "4601"), store, timeout=60)
        assert not result.unchanged and result.retrieved is not None
        rows = store.raw.query(
            """SELECT ?period ?value WHERE {
                 ?o <http://purl.org/linked-data/sdmx/2009/dimension#refArea>
                      <https://w3id.org/plangraph/id/municipality/4601> ;
                    <http://purl.org/linked-data/sdmx/2009/dimension#refPeriod> ?period ;
                    <http://purl.org/linked-data/sdmx/2009/measure#obsValue> ?value }""",
            use_default_graph_as_union=True,
        )
        assert isinstance(rows, ox.QuerySolutions)
        values = {row["period"].value: int(row["value"].value) for row in rows}  # type: ignore[union-attr]
        # Bergen has had more than 250 000 inhabitants since 2010, K-4601 summed back in time.
        assert values.get("2022") == 286930
        assert len(values) > 10
    finally:
        store.close()
