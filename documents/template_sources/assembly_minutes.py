"""The draft minutes (procès-verbal) of a general assembly, produced at closing."""

from datetime import UTC, date, datetime

from documents import labels
from documents.assembly_samples import BOARD
from documents.authoring import HOSTILE_TEXT, SAMPLE_COOP_KWARGS, Block, TemplateSource
from documents.contexts import Coop
from documents.contexts.voting import (
    ELECTED_LINE,
    MODES,
    OUTCOME,
    YES_NO,
    AssemblyMinutes,
    MinutesAttendee,
    MinutesCandidate,
    MinutesResolution,
    MinutesTracker,
)

ACCOUNTS = {
    "fr": "Approbation des comptes annuels",
    "nl": "Goedkeuring van de jaarrekening",
    "de": "Genehmigung des Jahresabschlusses",
    "en": "Approval of the annual accounts",
}


def sample(language: str) -> AssemblyMinutes:
    return AssemblyMinutes(
        language=language,
        coop=Coop(**SAMPLE_COOP_KWARGS),
        today=date(2026, 6, 18),
        assembly_title=labels.assembly_name("ordinary", 2026, language),
        meeting_at=datetime(2026, 6, 18, 16, 0, tzinfo=UTC),
        place="Rue Coenraets 72, 1060 Saint-Gilles",
        closed_at=datetime(2026, 6, 18, 18, 0, tzinfo=UTC),
        second_meeting=YES_NO[False][language],
        seal="9f" * 32,
        eligible_voters=75000,
        eligible_shares=240000,
        present=1,
        represented=1,
        remote=1,
        shares_present=7,
        capital_cents=21000,
        attendees=[
            MinutesAttendee(
                name=HOSTILE_TEXT, mode=MODES["present"][language], represented_by="", shares=3
            ),
            MinutesAttendee(
                name="Jan Peeters",
                mode=MODES["represented"][language],
                represented_by="Els Maes",
                shares=2,
            ),
        ],
        resolutions=[
            MinutesResolution(
                code="R1",
                title=ACCOUNTS[language],
                votes_for="3",
                against="1",
                abstain="1",
                test="1/2",
                outcome=OUTCOME[True][language],
            ),
        ],
        candidates=[
            MinutesCandidate(
                election="E1", name="Amélie Dubois", votes="2", elected=YES_NO[True][language]
            )
        ],
        elected=ELECTED_LINE[language].format(
            code="E1", title=BOARD[language], names="Amélie Dubois"
        ),
        ballots=2,
        trackers=[MinutesTracker(n=1, receipt="ab" * 32), MinutesTracker(n=2, receipt="cd" * 32)],
    )


_ATTENDANCE_CELLS = (
    "{{ row.name }}",
    "{{ row.mode }}",
    "{{ row.represented_by }}",
    "{{ row.shares }}",
)
_MOTION_CELLS = (
    "{{ row.code }}. {{ row.title }}",
    "{{ row.votes_for }}",
    "{{ row.against }}",
    "{{ row.abstain }}",
    "{{ row.test }}",
    "{{ row.outcome }}",
)
_CANDIDATE_CELLS = ("{{ row.election }}", "{{ row.name }}", "{{ row.votes }}", "{{ row.elected }}")
_TRACKER_CELLS = ("{{ row.n }}", "{{ row.receipt }}")


def _blocks(words: dict[str, str]) -> list[Block]:
    return [
        Block("title", words["title"]),
        Block("p", words["opening"]),
        Block("heading", words["attendance"]),
        Block("p", words["counts"]),
        Block("p", words["capital"]),
        Block(
            "table",
            headers=tuple(words["attendance_headers"].split("|")),
            loop="row in attendees",
            widths=(5.0, 3.5, 4.6, 2.1),
            cells=_ATTENDANCE_CELLS,
        ),
        Block("heading", words["results"]),
        Block(
            "table",
            headers=tuple(words["motion_headers"].split("|")),
            loop="row in resolutions",
            widths=(3.5, 1.5, 1.9, 2.9, 2.5, 2.9),  # the longest words (bold headers) whole
            cells=_MOTION_CELLS,
        ),
        Block("heading", words["elections"]),
        Block(
            "table",
            headers=tuple(words["candidate_headers"].split("|")),
            loop="row in candidates",
            cells=_CANDIDATE_CELLS,
        ),
        Block("p", words["elected"]),
        Block("p", words["closing"]),
        Block("small", words["draft"]),
        Block("pagebreak"),
        Block("heading", words["annex"]),
        Block("p", words["annex_text"]),
        Block(
            "table", headers=("#", words["receipt"]), loop="row in trackers", cells=_TRACKER_CELLS
        ),
    ]


WORDS = {
    "fr": {
        "title": "Procès-verbal — {{ assembly_title }}",
        "opening": "L'assemblée générale de {{ coop.name }} s'est réunie le {{ meeting_at|datetime }} "
        "({{ place }}). Seconde assemblée : {{ second_meeting }}.",
        "attendance": "Liste des présences",
        "counts": "Présents : {{ present }} ; représentés : {{ represented }} ; votes à distance : "
        "{{ remote }} ; sur {{ eligible_voters|plural('associé', 'associés') }} ayant le droit "
        "de vote. Ils détiennent {{ shares_present }} des {{ eligible_shares|plural('part', 'parts') }}.",
        "capital": "Capital détenu par les associés présents ou représentés : {{ capital_cents|money }}.",
        "attendance_headers": "Associé|Participation|Représenté par|Parts",
        "results": "Résultats des votes",
        "motion_headers": "Résolution|Pour|Contre|Abstentions|Règle appliquée|Résultat",
        "elections": "Élections",
        "candidate_headers": "Élection|Candidat|Voix|Élu",
        "elected": "Résultat des élections : {{ elected }}.",
        "closing": "Le vote a été clos le {{ closed_at|datetime }}. Bulletins comptés : {{ ballots }}. "
        "Sceau des reçus : {{ seal }}.",
        "draft": "Projet de procès-verbal établi automatiquement, à approuver et signer par le "
        "bureau de l'assemblée.",
        "annex": "Annexe : liste des reçus de vote",
        "annex_text": "Chaque votant peut vérifier que son reçu figure dans cette liste.",
        "receipt": "Reçu",
    },
    "nl": {
        "title": "Notulen — {{ assembly_title }}",
        "opening": "De algemene vergadering van {{ coop.name }} kwam samen op "
        "{{ meeting_at|datetime }} ({{ place }}). Tweede vergadering: {{ second_meeting }}.",
        "attendance": "Aanwezigheidslijst",
        "counts": "Aanwezig: {{ present }}; vertegenwoordigd: {{ represented }}; op afstand "
        "gestemd: {{ remote }}; op {{ eligible_voters|plural('stemgerechtigde vennoot', "
        "'stemgerechtigde vennoten') }}. Zij bezitten {{ shares_present }} van de "
        "{{ eligible_shares|plural('aandeel', 'aandelen') }}.",
        "capital": "Kapitaal van de aanwezige of vertegenwoordigde vennoten: {{ capital_cents|money }}.",
        "attendance_headers": "Vennoot|Deelname|Vertegenwoordigd door|Aandelen",
        "results": "Uitslag van de stemmingen",
        "motion_headers": "Besluit|Voor|Tegen|Onthoudingen|Toegepaste regel|Uitslag",
        "elections": "Verkiezingen",
        "candidate_headers": "Verkiezing|Kandidaat|Stemmen|Verkozen",
        "elected": "Uitslag van de verkiezingen: {{ elected }}.",
        "closing": "De stemming werd gesloten op {{ closed_at|datetime }}. Getelde stembrieven: "
        "{{ ballots }}. Zegel van de ontvangstbewijzen: {{ seal }}.",
        "draft": "Ontwerp van notulen, automatisch opgesteld, goed te keuren en te ondertekenen door "
        "het bureau van de vergadering.",
        "annex": "Bijlage: lijst van de ontvangstbewijzen",
        "annex_text": "Elke kiezer kan nagaan dat zijn ontvangstbewijs in deze lijst staat.",
        "receipt": "Ontvangstbewijs",
    },
    "de": {
        "title": "Protokoll — {{ assembly_title }}",
        "opening": "Die Generalversammlung von {{ coop.name }} trat am {{ meeting_at|datetime }} "
        "zusammen ({{ place }}). Zweite Versammlung: {{ second_meeting }}.",
        "attendance": "Anwesenheitsliste",
        "counts": "Anwesend: {{ present }}; vertreten: {{ represented }}; aus der Ferne "
        "abgestimmt: {{ remote }}; von {{ eligible_voters|plural('stimmberechtigten Mitglied', "
        "'stimmberechtigten Mitgliedern') }}. Sie halten {{ shares_present }} von "
        "{{ eligible_shares|plural('Anteil', 'Anteilen') }}.",
        "capital": "Kapital der anwesenden oder vertretenen Gesellschafter: {{ capital_cents|money }}.",
        "attendance_headers": "Gesellschafter|Teilnahme|Vertreten durch|Anteile",
        "results": "Abstimmungsergebnisse",
        "motion_headers": "Beschluss|Dafür|Dagegen|Enthaltungen|Angewandte Regel|Ergebnis",
        "elections": "Wahlen",
        "candidate_headers": "Wahl|Kandidat|Stimmen|Gewählt",
        "elected": "Ergebnis der Wahlen: {{ elected }}.",
        "closing": "Die Abstimmung wurde am {{ closed_at|datetime }} geschlossen. Gezählte "
        "Stimmzettel: {{ ballots }}. Siegel der Quittungen: {{ seal }}.",
        "draft": "Automatisch erstellter Protokollentwurf, vom Versammlungsbüro zu genehmigen und zu "
        "unterzeichnen.",
        "annex": "Anlage: Liste der Abstimmungsquittungen",
        "annex_text": "Jeder Abstimmende kann prüfen, dass seine Quittung in dieser Liste steht.",
        "receipt": "Quittung",
    },
    "en": {
        "title": "Minutes — {{ assembly_title }}",
        "opening": "The general assembly of {{ coop.name }} met on {{ meeting_at|datetime }} "
        "({{ place }}). Second meeting: {{ second_meeting }}.",
        "attendance": "Attendance list",
        "counts": "Present: {{ present }}; represented: {{ represented }}; voted remotely: "
        "{{ remote }}; out of {{ eligible_voters|plural('shareholder', 'shareholders') }} "
        "entitled to vote. They hold {{ shares_present }} of "
        "{{ eligible_shares|plural('share', 'shares') }}.",
        "capital": "Capital held by the shareholders present or represented: {{ capital_cents|money }}.",
        "attendance_headers": "Shareholder|Took part|Represented by|Shares",
        "results": "Results of the votes",
        "motion_headers": "Resolution|For|Against|Abstentions|Rule applied|Result",
        "elections": "Elections",
        "candidate_headers": "Election|Candidate|Votes|Elected",
        "elected": "Election results: {{ elected }}.",
        "closing": "Voting closed on {{ closed_at|datetime }}. Ballots counted: {{ ballots }}. "
        "Seal of the receipts: {{ seal }}.",
        "draft": "Draft minutes produced automatically, to be approved and signed by the officers "
        "of the assembly.",
        "annex": "Annex: list of the vote receipts",
        "annex_text": "Every voter can check that their receipt is in this list.",
        "receipt": "Receipt",
    },
}

SOURCE = TemplateSource(
    name="assembly_minutes",
    blocks={lang: _blocks(words) for lang, words in WORDS.items()},
    sample=sample,
    key_text={
        "fr": "Procès-verbal — Assemblée générale ordinaire 2026",
        "nl": "Notulen — Gewone algemene vergadering 2026",
        "de": "Protokoll — Ordentliche Generalversammlung 2026",
        "en": "Minutes — Ordinary general assembly 2026",
    },
)
