"""contract-batch-part: the documents of some approved declarations, on whichever worker is free.

The daily contract batch (flows/contract_batch.py) checks every pending declaration, then starts
one run of this deployment per part; any worker polling the pool takes it. Safe to run again:
documents already archived are skipped.
"""

from __future__ import annotations

from typing import Annotated

from prefect import flow
from pydantic import Field

from tasks.contracts import produce_contract_documents_counted


@flow(name="contract-batch-part", flow_run_name="contract documents · {declaration_ids[0]}…")
def contract_batch_part(
    declaration_ids: Annotated[
        list[int],
        Field(
            json_schema_extra={
                "title": "Declarations",
                "description": "Approved declarations to document",
            }
        ),
    ],
) -> dict[str, int]:
    """Employment contract, client agreement and invoice for each declaration (PDF)."""
    return produce_contract_documents_counted(declaration_ids, fast=True)
