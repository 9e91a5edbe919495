"""The daily contract batch as a real flow run: business clients' UBL validated and in the
access point's outbox folder, the others by e-mail only."""

from __future__ import annotations

from contracts_helpers import add_member, client, declaration

from flows.contract_batch import BatchParameters, contract_batch
from governance.contracts.rules.contracts import ClientKind
from governance.contracts.rules.ubl_rules import failures
from governance.contracts.use_cases import contracts, einvoicing
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor


def test_the_batch_sends_business_clients_a_valid_peppol_invoice_once(
    coop_env, mail_sink, prefect_harness
) -> None:
    person = client(
        kind=ClientKind.PERSON,
        name="Anne Dupont",
        email="anne@example.org",
        enterprise_number=None,
        vat_number=None,
    )
    with UnitOfWork() as uow:
        contracts.submit_many(
            uow,
            [
                declaration(add_member(), external_ref="BE1"),
                declaration(add_member(), external_ref="BE2"),
                declaration(add_member(), client=person, external_ref="P1"),
            ],
            Actor.system("import"),
        )
    counts = contract_batch(BatchParameters(chunk_size=10))
    assert counts["approved"] == 3
    assert counts["e-invoices held"] == 0 and counts["e-invoices submitted"] == 2
    outbox = coop_env.settings.resolved_peppol_outbox_dir()
    files = sorted(outbox.glob("*.xml"))
    assert len(files) == 2 and all(failures(f.read_bytes()) == [] for f in files)
    again = contract_batch(BatchParameters(chunk_size=10))
    assert again["e-invoices submitted"] == 0 and len(list(outbox.glob("*.xml"))) == 2
    with UnitOfWork() as uow:
        assert {
            e.number for e in einvoicing.by_status(uow.session, *einvoicing.EInvoiceStatus)
        } == {f.stem for f in files}
