"""General assembly documents: contexts in the reader's language, the ballots of one chunk
rendered in worker processes, the postal pack (CSV + one printable document per language)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from documents import archive, formatting, labels, spreadsheet, workers
from documents.bulk_render import bulk_template, qr_png
from documents.contexts import Addressee, Coop
from documents.contexts.assembly import (
    AgendaItem,
    AssemblyBallot,
    AssemblyConvocation,
    AssemblyProxy,
    BallotLine,
    Meeting,
)
from governance.assembly.rules.assembly import ResolutionKind, format_ballot_code
from governance.assembly.rules.views import AssemblyView, VoterView
from governance.config import Settings
from governance.kernel.rules.calendar import brussels_date

MAJORITY = {
    ResolutionKind.ORDINARY: {
        "fr": "majorité simple",
        "nl": "gewone meerderheid",
        "de": "einfache Mehrheit",
        "en": "simple majority",
    },
    ResolutionKind.STATUTE_AMENDMENT: {
        "fr": "quorum de la moitié des parts, 3/4 des voix",
        "nl": "quorum van de helft van de aandelen, 3/4 van de stemmen",
        "de": "Quorum der Hälfte der Anteile, 3/4 der Stimmen",
        "en": "quorum of half the shares, 3/4 of the votes",
    },
    ResolutionKind.OBJECT_CHANGE: {
        "fr": "quorum de la moitié des parts, 4/5 des voix (rapport du conseil joint)",
        "nl": "quorum van de helft van de aandelen, 4/5 van de stemmen (verslag van de raad bijgevoegd)",
        "de": "Quorum der Hälfte der Anteile, 4/5 der Stimmen (Bericht des Verwaltungsrats beigefügt)",
        "en": "quorum of half the shares, 4/5 of the votes (board report attached)",
    },
    ResolutionKind.ELECTION: {
        "fr": "élection, vote secret : {seats}",
        "nl": "verkiezing, geheime stemming: {seats}",
        "de": "Wahl, geheime Abstimmung: {seats}",
        "en": "election, secret ballot: {seats}",
    },
}
SEATS = {  # CLDR plural categories
    "fr": {"one": "{n} siège", "other": "{n} sièges"},
    "nl": {"one": "{n} zetel", "other": "{n} zetels"},
    "de": {"one": "{n} Sitz", "other": "{n} Sitze"},
    "en": {"one": "{n} seat", "other": "{n} seats"},
}
# A box never parts from its word: a no-break space joins them (U+00A0).
CHOICES = {
    "fr": "☐\u00a0pour   ☐\u00a0contre   ☐\u00a0abstention",
    "nl": "☐\u00a0voor   ☐\u00a0tegen   ☐\u00a0onthouding",
    "de": "☐\u00a0dafür   ☐\u00a0dagegen   ☐\u00a0Enthaltung",
    "en": "☐\u00a0for   ☐\u00a0against   ☐\u00a0abstain",
}
AT_MOST = {
    "fr": "au plus {n} :",
    "nl": "ten hoogste {n}:",
    "de": "höchstens {n}:",
    "en": "at most {n}:",
}
REMOTE = {
    True: {
        "fr": "Le vote électronique avant l'assemblée est autorisé ; les votants à distance sont réputés présents.",
        "nl": "Elektronisch stemmen vóór de vergadering is toegestaan; wie op afstand stemt, geldt als aanwezig.",
        "de": "Die elektronische Abstimmung vor der Versammlung ist erlaubt; Fernabstimmende gelten als anwesend.",
        "en": "Electronic voting before the meeting is allowed; remote voters count as present.",
    },
    False: {
        "fr": "Le vote a lieu en séance ou par bulletin papier.",
        "nl": "Er wordt gestemd op de vergadering of met een papieren stembiljet.",
        "de": "Abgestimmt wird in der Versammlung oder mit dem Papierstimmzettel.",
        "en": "Voting takes place at the meeting or by paper ballot.",
    },
}
BOARD_REPORT = {
    "fr": "Le rapport détaillé du conseil d'administration sur la modification de l'objet est joint.",
    "nl": "Het omstandig verslag van de raad van bestuur over de wijziging van het voorwerp is bijgevoegd.",
    "de": "Der ausführliche Bericht des Verwaltungsrats über die Änderung des Gegenstands liegt bei.",
    "en": "The board's detailed report on the change of object is attached.",
}
# Who may hold a proxy (statutes, voting.proxy_must_be_shareholder; CSA 6:80 by default: anyone).
PROXY_RULE = {
    False: {
        "fr": "Le mandataire peut être un coopérateur ou une coopératrice, ou une autre "
        "personne de votre choix.",
        "nl": "De volmachthouder mag een vennoot zijn of een andere persoon van uw keuze.",
        "de": "Bevollmächtigt werden kann ein Mitglied oder eine andere Person Ihrer Wahl.",
        "en": "The proxy holder may be a member or any other person you choose.",
    },
    True: {
        "fr": "Le mandataire doit être lui-même membre de la coopérative (coopérateur ou "
        "coopératrice).",
        "nl": "De volmachthouder moet zelf vennoot van de coöperatie zijn.",
        "de": "Bevollmächtigt werden kann nur ein Mitglied der Genossenschaft.",
        "en": "The proxy holder must be a member of the cooperative.",
    },
}


def vote_url(settings: Settings) -> str:
    return settings.ballot_base_url.rstrip("/") + "/b"


def meeting(
    view: AssemblyView, language: str, settings: Settings, today: date | None = None
) -> Meeting:
    """The assembly as a member reads it: its name by kind and year in their language,
    moments with their weekday, the online link; `voting_opens` is left empty when the
    voting is already open on the letter's date (the letter then says "until")."""

    def dt(value: Any) -> str:
        return formatting.date_time(value, language)

    opened = today is not None and brussels_date(view.voting_opens_at) <= today
    return Meeting(
        title=labels.assembly_name(
            view.kind,
            brussels_date(view.meeting_at).year,
            language,
            second_meeting=view.second_meeting,
        ),
        when=dt(view.meeting_at),
        place=view.place,
        online_link=view.online_link or "",
        record_date=formatting.long_date(view.record_date, language),
        voting_opens="" if opened else dt(view.voting_opens_at),
        voting_closes=dt(view.voting_closes_at),
        remote_voting=REMOTE[view.remote_voting_allowed][language],
        vote_url=vote_url(settings),
    )


def _candidates(r: Any) -> str:
    return ", ".join(f"{c['name']} ({c['id']})" for c in r.candidates)


def convocation(
    view: AssemblyView, language: str, settings: Settings, today: date
) -> AssemblyConvocation:
    from governance.statutes import get_statutes

    return AssemblyConvocation(
        language=language,
        coop=Coop.from_settings(settings),
        today=today,
        meeting=meeting(view, language, settings, today),
        agenda=[
            AgendaItem(
                code=r.code,
                title=r.title[language],
                text=r.text[language],
                majority=MAJORITY[r.kind][language].format(
                    seats=formatting.plural(r.seats or 0, SEATS[language], language)
                ),
                candidates=_candidates(r) if r.kind is ResolutionKind.ELECTION else "",
            )
            for r in view.resolutions
        ],
        board_report=BOARD_REPORT[language] if view.board_report_document_key else "",
        proxies_per_holder=get_statutes().voting.proxies_per_holder,
    )


def proxy_form(view: AssemblyView, language: str, settings: Settings, today: date) -> AssemblyProxy:
    from governance.statutes import get_statutes

    voting = get_statutes().voting
    return AssemblyProxy(
        language=language,
        coop=Coop.from_settings(settings),
        today=today,
        meeting=meeting(view, language, settings, today),
        proxies_per_holder=voting.proxies_per_holder,
        proxy_rule=PROXY_RULE[voting.proxy_must_be_shareholder][language],
        return_to=f"{settings.coop_address} — {settings.staff_mailbox}",
    )


def ballot_lines(view: AssemblyView, language: str) -> list[BallotLine]:
    lines = []
    for r in view.resolutions:
        if r.kind is ResolutionKind.ELECTION:
            boxes = "   ".join(f"☐\u00a0{c['name']}" for c in r.candidates)
            choices = f"{AT_MOST[language].format(n=r.seats)} {boxes}"
        else:
            choices = CHOICES[language]
        lines.append(BallotLine(code=r.code, title=r.title[language], choices=choices))
    return lines


def ballot_url(settings: Settings, code: str) -> str:
    return f"{vote_url(settings)}/{code}"


def ballot(
    view: AssemblyView,
    voter: VoterView,
    code: str,
    settings: Settings,
    today: date,
    shared: dict[str, tuple[Meeting, list[BallotLine]]] | None = None,
) -> AssemblyBallot:
    lang = str(voter.language)
    meet, lines = (shared or {}).get(lang) or (
        meeting(view, lang, settings, today),
        ballot_lines(view, lang),
    )
    return AssemblyBallot(
        language=lang,
        coop=Coop.from_settings(settings),
        today=today,
        meeting=meet,
        voter=Addressee(
            name=voter.name,
            street=voter.street,
            postcode=voter.postcode,
            city=voter.city,
            country=voter.country,
        ),
        member_number=voter.member_number,
        shares=voter.shares,
        weight=voter.weight,
        ballot_code=format_ballot_code(code),
        ballot_url=ballot_url(settings, code),
        lines=lines,
    )


# --- the bulk path: worker processes ------------------------------------------------------


@dataclass(frozen=True)
class BallotJob:
    member_id: int
    language: str
    context: dict[str, Any]
    qr_url: str
    folder: str
    filename: str


@dataclass(frozen=True)
class BallotFile:
    member_id: int
    language: str
    path: str
    sha256: str
    size_bytes: int
    template_version: str


def _render_jobs(place: archive.Place, jobs: Sequence[BallotJob]) -> list[BallotFile]:
    """In a worker: render and archive a slice of ballots (templates compiled once)."""
    out = []
    for job in jobs:
        template = bulk_template("assembly_ballot", job.language)
        data = template.render(job.context, {"qr": qr_png(job.qr_url)})
        stored = archive.store(place, job.folder, job.filename, data)
        out.append(
            BallotFile(
                job.member_id,
                job.language,
                stored.relative_path,
                stored.sha256,
                stored.size_bytes,
                template.version,
            )
        )
    return out


def render_ballots(
    archive_dir: Path, jobs: list[BallotJob], with_pdf: bool = False
) -> list[BallotFile]:
    """Render and archive ballots over the render workers (small batches stay in-process, and
    so do ballots also converted to PDF: see `workers.map_slices`)."""
    return workers.map_slices(_render_jobs, archive_dir, jobs, inline_below=20, with_pdf=with_pdf)


def ballot_job(
    assembly_id: int, chunk: int, context: AssemblyBallot, member_id: int, qr_url: str
) -> BallotJob:
    return BallotJob(
        member_id=member_id,
        language=context.language,
        context=context.model_dump(mode="python"),
        qr_url=qr_url,
        folder=f"assembly/{assembly_id}/ballots/{chunk:05d}",
        filename=f"assembly_ballot-{member_id}.{context.language}.docx",
    )


# --- postal pack -------------------------------------------------------------------------------


def postal_csv(voters: Sequence[VoterView]) -> bytes:
    """The addresses, one line per shareholder to write to."""
    return spreadsheet.postal_csv(voters, ("shares", "weight"), lambda v: (v.shares, v.weight))


def postal_document(
    language: str,
    convocation_ctx: AssemblyConvocation,
    proxy_ctx: AssemblyProxy,
    ballots: Sequence[tuple[AssemblyBallot, str]],
) -> bytes:
    """One printable .docx for a language: per shareholder the convocation, their ballot
    and the proxy form, each on new pages."""
    conv = bulk_template("assembly_convocation", language)
    conv_body, _ = conv.render_body(convocation_ctx)
    proxy_body, _ = bulk_template("assembly_proxy", language).render_body(proxy_ctx)
    ballot_t = bulk_template("assembly_ballot", language)
    bodies: list[tuple[str, list[tuple[str, str, bytes]]]] = []
    for number, (ctx, url) in enumerate(ballots, start=1):
        body, media = ballot_t.render_body(ctx, {"qr": qr_png(url)}, prefix=str(number))
        bodies += [(conv_body, []), (body, media), (proxy_body, [])]
    return conv.merge(bodies, convocation_ctx.model_dump(mode="python"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ballots_to_pdf(
    archive_dir: Path, files: list[BallotFile], codes: dict[int, str]
) -> tuple[list[BallotFile], dict[str, str]]:
    """PDF versions of archived ballots through the converter pool, each checked to carry its
    member's ballot code (`codes`: member id -> code as printed); the DOCX stays beside each
    PDF as the source of record. A ballot that could not be converted keeps its DOCX and is
    returned among the failures (path -> why)."""
    from documents import mass_pdf

    result = mass_pdf.convert_archived(
        archive_dir, [mass_pdf.ToConvert(f.path, codes.get(f.member_id, "")) for f in files]
    )
    out = []
    for f in files:
        stored = result.pdfs.get(f.path)
        if stored is None:
            out.append(f)
            continue
        out.append(
            BallotFile(
                f.member_id,
                f.language,
                stored.relative_path,
                stored.sha256,
                stored.size_bytes,
                f.template_version,
            )
        )
    return out, result.failed
