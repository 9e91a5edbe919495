"""Members and clients receive PDF wherever LibreOffice is installed, the fast paths included;
the .docx stays archived beside each PDF as the source."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from documents import pdf
from documents.produce import DocumentRequest
from documents.template_sources.client_agreement import sample as agreement_sample
from documents.template_sources.employment_contract import sample as contract_sample
from governance.config import reset_settings
from governance.db.models import Document
from governance.db.uow import UnitOfWork
from governance.kernel.rules.enums import Language
from tasks.documents import produce_fast


def _requests() -> list[DocumentRequest]:
    return [
        DocumentRequest("c:1:employment", "employment_contract", Language.NL,
                        contract_sample("nl"), "contract", "1"),
        DocumentRequest("c:1:agreement", "client_agreement", Language.FR,
                        agreement_sample("fr"), "contract", "1"),
    ]


def test_without_pdf_the_fast_path_archives_docx(coop_env) -> None:  # type: ignore[no-untyped-def]
    assert produce_fast(_requests(), parallel=False) == 2
    with UnitOfWork() as uow:
        formats = set(uow.session.scalars(select(Document.format)))
    assert formats == {"docx"}


@pytest.mark.pdf
@pytest.mark.skipif(not pdf.available(), reason="LibreOffice is not installed")
def test_the_fast_path_gives_pdf_with_the_docx_beside(coop_env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COOP_PDF_OUTPUT", "true")
    reset_settings()
    assert produce_fast(_requests(), parallel=False) == 2
    with UnitOfWork() as uow:
        rows = uow.session.scalars(select(Document)).all()
        paths = [(r.format, r.path) for r in rows]
    assert {f for f, _p in paths} == {"pdf"}
    for _f, path in paths:
        data = (coop_env.archive / path).read_bytes()
        assert data.startswith(b"%PDF-")
        assert b"pdfaid:part>2<" in data and b"pdfaid:conformance>B<" in data  # PDF/A-2b
        assert (coop_env.archive / path).with_suffix(".docx").exists()
    assert produce_fast(_requests(), parallel=False) == 0  # a re-run makes nothing twice


@pytest.mark.pdf
@pytest.mark.skipif(not pdf.available(), reason="LibreOffice is not installed")
def test_many_documents_are_converted_over_the_workers(coop_env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from documents import workers

    monkeypatch.setenv("COOP_PDF_OUTPUT", "true")
    monkeypatch.setenv("COOP_RENDER_WORKERS", "2")
    reset_settings()
    requests = [
        DocumentRequest(f"c:{n}:employment", "employment_contract", Language.FR,
                        contract_sample("fr"), "contract", str(n))
        for n in range(pdf.BULK_THRESHOLD + 4)
    ]
    try:
        assert produce_fast(requests, parallel=False) == len(requests)
    finally:
        workers.shutdown()
    with UnitOfWork() as uow:
        rows = uow.session.scalars(select(Document)).all()
        assert {r.format for r in rows} == {"pdf"}
        assert all((coop_env.archive / r.path).read_bytes().startswith(b"%PDF-") for r in rows)
