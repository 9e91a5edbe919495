"""Transition campaign documents: invitation letters with their EPC payment QR (rendered in
bulk, in worker processes), the postal pack, the conversion chart and the board report."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from documents import archive, formatting, labels, spreadsheet, workers
from documents.bulk_render import bulk_template, qr_png
from documents.contexts import Addressee, Coop
from documents.contexts.transition import (
    ConversionLine,
    TransitionBoardReport,
    TransitionInvitation,
    WeekLine,
)
from documents.render import template_version
from documents.spreadsheet import csv_bytes
from governance.config import Settings
from governance.kernel.rules.documents import ArchivedDocument
from governance.kernel.rules.enums import DocumentFormat, Language
from governance.transition.rules.invitation import InvitationLetter
from governance.transition.rules.transition import (
    Conversion,
    ConversionRow,
    EpcTransfer,
    epc_payload,
)

TEMPLATE = "transition_invitation"


def grouped_iban(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def payment_payload(letter: InvitationLetter, settings: Settings) -> str:
    """The EPC QR text for this member's subscription (structured reference = the OGM)."""
    return epc_payload(
        EpcTransfer(
            bic=settings.coop_bic,
            name=settings.coop_name,
            iban=settings.coop_iban,
            amount_cents=letter.amount_cents,
            reference="".join(ch for ch in letter.communication if ch.isdigit()),
        )
    )


def payment_qr_png(payload: str) -> bytes:
    """The QR image banking apps scan: the UTF-8 bytes (charset 1) in byte mode, level M."""
    return qr_png(payload.encode("utf-8"))


def invitation_context(
    letter: InvitationLetter, settings: Settings, today: date, restriction_on: date, questions: str
) -> TransitionInvitation:
    lang = str(letter.language)
    return TransitionInvitation(
        language=lang,
        coop=Coop.from_settings(settings),
        today=today,
        member=Addressee(
            name=letter.name,
            street=letter.street,
            postcode=letter.postcode,
            city=letter.city,
            country=letter.country,
            company=letter.company,
        ),
        member_number=letter.member_number,
        office=labels.office(letter.office, lang),
        share_class=letter.share_class,
        shares=letter.shares,
        amount_cents=letter.amount_cents,
        iban=grouped_iban(settings.coop_iban),
        bic=settings.coop_bic,
        communication=letter.communication,
        deadline=letter.deadline,
        restriction_on=restriction_on,
        year=today.year,
        questions=questions,
    )


# --- bulk rendering in worker processes ---------------------------------------------------


@dataclass(frozen=True)
class InvitationJob:
    key: str
    member_id: int
    language: str
    context: dict[str, Any]
    payload: str  # EPC QR text
    folder: str
    filename: str
    subject_id: str


def _render_one(job: InvitationJob) -> bytes:
    """The bulk path (template compiled once per process); same text as render_docx."""
    template = bulk_template(TEMPLATE, job.language)
    return template.render(job.context, {"qr": payment_qr_png(job.payload)})


def _render_jobs(place: archive.Place, jobs: Sequence[InvitationJob]) -> list[ArchivedDocument]:
    """In a worker: render and archive a slice of invitations."""
    out = []
    for job in jobs:
        stored = archive.store(place, job.folder, job.filename, _render_one(job))
        out.append(
            ArchivedDocument(
                key=job.key,
                template=TEMPLATE,
                template_version=template_version(TEMPLATE, job.language),
                language=Language(job.language),
                format=DocumentFormat.DOCX,
                path=stored.relative_path,
                sha256=stored.sha256,
                size_bytes=stored.size_bytes,
                member_id=job.member_id,
                subject_type="transition_campaign",
                subject_id=job.subject_id,
            )
        )
    return out


def render_invitations(
    archive_dir: Path, jobs: list[InvitationJob], with_pdf: bool = False
) -> list[ArchivedDocument]:
    """Render and archive invitations over the render workers (small batches stay in-process,
    and so do invitations also converted to PDF: see `workers.map_slices`)."""
    return workers.map_slices(_render_jobs, archive_dir, jobs, inline_below=40, with_pdf=with_pdf)


def invitations_to_pdf(
    archive_dir: Path, files: list[ArchivedDocument], communications: dict[int, str]
) -> tuple[list[ArchivedDocument], dict[str, str]]:
    """PDF versions of archived invitations through the converter pool, each checked to carry
    its member's structured communication; the DOCX stays beside each PDF as the source of
    record. An invitation without a checked PDF keeps its DOCX and is among the failures."""
    from dataclasses import replace

    from documents import mass_pdf

    items = [mass_pdf.ToConvert(f.path, communications.get(f.member_id or 0, "")) for f in files]
    result = mass_pdf.convert_archived(archive_dir, items)
    out = []
    for f in files:
        stored = result.pdfs.get(f.path)
        out.append(
            f
            if stored is None
            else replace(
                f,
                format=DocumentFormat.PDF,
                path=stored.relative_path,
                sha256=stored.sha256,
                size_bytes=stored.size_bytes,
            )
        )
    return out, result.failed


def invitation_job(
    campaign_id: int, letter: InvitationLetter, context: TransitionInvitation, payload: str
) -> InvitationJob:
    return InvitationJob(
        key=letter.document_key,
        member_id=letter.member_id,
        language=context.language,
        context=context.model_dump(mode="python"),
        payload=payload,
        folder=f"transition/{campaign_id}/invitations/{letter.member_id // 1000:04d}",
        filename=f"{TEMPLATE}-{letter.member_id}.{context.language}.docx",
        subject_id=str(campaign_id),
    )


# --- postal pack -----------------------------------------------------------------------------


def postal_csv(letters: Sequence[InvitationLetter]) -> bytes:
    """Addresses to write to, with each letter's structured communication."""
    return spreadsheet.postal_csv(letters, ("communication",), lambda x: (x.communication,))


def address_csv(rows: Sequence[tuple[str, ...]]) -> bytes:
    """Addresses only, rows already in the address columns' order."""
    return csv_bytes(spreadsheet.ADDRESS_COLUMNS, rows)


def merged_letters(contexts: Sequence[tuple[TransitionInvitation, str]]) -> bytes:
    """One printable .docx of many invitations (context, EPC payload), each on a new page."""
    if not contexts:
        return b""
    template = bulk_template(TEMPLATE, contexts[0][0].language)
    bodies = [
        template.render_body(context, {"qr": payment_qr_png(payload)}, prefix=str(number))
        for number, (context, payload) in enumerate(contexts, start=1)
    ]
    return template.merge(bodies, contexts[0][0].model_dump(mode="python"))


# --- figures -----------------------------------------------------------------------------------


def conversion_line(row: ConversionRow, language: str, by: str = "office") -> ConversionLine:
    """One row of the report; an office or a language named in the reader's language."""
    if by == "language":
        group = labels.language_name(row.group, language)
    elif row.group in labels.OFFICES:
        group = labels.office(row.group, language)
    else:
        group = row.group
    return ConversionLine(
        group=group,
        invited=row.invited,
        paid=row.paid,
        percent=formatting.percent(row.percent_paid, language),
        not_now=row.not_now,
        resigned=row.resigned,
        restricted=row.restricted,
    )


def board_report_context(
    name: str,
    share_class: str,
    deadline: date,
    restriction_on: date,
    conversion: Conversion,
    postal: int,
    settings: Settings,
    language: str,
    today: date,
) -> TransitionBoardReport:
    return TransitionBoardReport(
        language=language,
        coop=Coop.from_settings(settings),
        today=today,
        campaign=name,
        share_class=share_class,
        deadline=deadline,
        restriction_on=restriction_on,
        total=conversion_line(conversion.total, language),
        postal=postal,
        by_office=[conversion_line(r, language) for r in conversion.by_office],
        by_language=[conversion_line(r, language, by="language") for r in conversion.by_language],
        by_week=[WeekLine(week=w, paid=n, cumulative=c) for w, n, c in conversion.paid_by_week],
    )


def conversion_chart(conversion: Conversion, title: str, language: str = "en") -> bytes:
    """A PNG of paid subscriptions over time (per ISO week, and cumulative), labelled in
    `language`; drawn for a 16 cm wide figure (render.IMAGE_WIDTH_MM)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    words = labels.CHART[str(language)]
    weeks = [w for w, _n, _c in conversion.paid_by_week] or ["-"]
    new = [n for _w, n, _c in conversion.paid_by_week] or [0]
    cumulative = [c for _w, _n, c in conversion.paid_by_week] or [0]
    figure, axis = plt.subplots(figsize=(8, 4), dpi=150)
    try:
        axis.bar(weeks, new, color="#7fa7d9", label=words["week"])
        axis.plot(weeks, cumulative, color="#1f3a5f", marker="o", label=words["cumulative"])
        axis.set_title(f"{title}: {words['title'].lower()}" if title else words["title"])
        axis.set_ylabel(words["axis"])
        axis.legend(loc="upper left")
        axis.tick_params(axis="x", labelrotation=45)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(figure)
