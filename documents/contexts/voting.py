"""Contexts of the closing documents (the draft minutes), built from the sealed result."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from typing import Any

from babel import Locale
from babel.numbers import format_percent
from pydantic import BaseModel

from documents import labels
from documents.contexts import Coop, TemplateContext
from documents.formatting import locale_for
from governance.kernel.rules.calendar import brussels_date


class MinutesAttendee(BaseModel):
    name: str
    mode: str
    represented_by: str
    shares: int


class MinutesResolution(BaseModel):
    code: str
    title: str
    votes_for: str
    against: str
    abstain: str
    test: str  # the majority test applied, in words
    outcome: str


class MinutesCandidate(BaseModel):
    election: str
    name: str
    votes: str
    elected: str


class MinutesTracker(BaseModel):
    n: int
    receipt: str


class AssemblyMinutes(TemplateContext):
    assembly_title: str
    meeting_at: datetime
    place: str
    closed_at: datetime
    second_meeting: str
    seal: str
    eligible_voters: int
    eligible_shares: int
    present: int
    represented: int
    remote: int
    shares_present: int
    capital_cents: int
    attendees: list[MinutesAttendee]
    resolutions: list[MinutesResolution]
    candidates: list[MinutesCandidate]
    elected: str
    ballots: int
    trackers: list[MinutesTracker]


MODES = {
    "present": {"fr": "présent", "nl": "aanwezig", "de": "anwesend", "en": "present"},
    "remote": {"fr": "à distance", "nl": "op afstand", "de": "aus der Ferne", "en": "remote"},
    "represented": {
        "fr": "représenté",
        "nl": "vertegenwoordigd",
        "de": "vertreten",
        "en": "represented",
    },
}
OUTCOME = {
    True: {"fr": "ADOPTÉE", "nl": "AANGENOMEN", "de": "ANGENOMMEN", "en": "ADOPTED"},
    False: {"fr": "REJETÉE", "nl": "VERWORPEN", "de": "ABGELEHNT", "en": "REJECTED"},
}
YES_NO = {
    True: {"fr": "oui", "nl": "ja", "de": "ja", "en": "yes"},
    False: {"fr": "non", "nl": "nee", "de": "nein", "en": "no"},
}
TEST = {
    "fr": "majorité requise : plus de {m} des voix exprimées (abstentions non comptées){q}",
    "nl": "vereiste meerderheid: meer dan {m} van de uitgebrachte stemmen (onthoudingen niet meegeteld){q}",
    "de": "erforderliche Mehrheit: mehr als {m} der abgegebenen Stimmen (Enthaltungen nicht gezählt){q}",
    "en": "majority required: more than {m} of the votes cast (abstentions not counted){q}",
}
TEST_AT_LEAST = {
    "fr": "majorité requise : au moins {m} des voix exprimées (abstentions non comptées){q}",
    "nl": "vereiste meerderheid: ten minste {m} van de uitgebrachte stemmen (onthoudingen niet meegeteld){q}",
    "de": "erforderliche Mehrheit: mindestens {m} der abgegebenen Stimmen (Enthaltungen nicht gezählt){q}",
    "en": "majority required: at least {m} of the votes cast (abstentions not counted){q}",
}
QUORUM = {
    True: {
        "fr": " ; quorum atteint",
        "nl": "; quorum bereikt",
        "de": "; Quorum erreicht",
        "en": "; quorum met",
    },
    False: {
        "fr": " ; quorum NON atteint",
        "nl": "; quorum NIET bereikt",
        "de": "; Quorum NICHT erreicht",
        "en": "; quorum NOT met",
    },
}
SUMMARY_LINE = {
    "fr": "{code}. {title} : {outcome} ({f} pour, {a} contre, {x})",
    "nl": "{code}. {title}: {outcome} ({f} voor, {a} tegen, {x})",
    "de": "{code}. {title}: {outcome} ({f} dafür, {a} dagegen, {x})",
    "en": "{code}. {title}: {outcome} ({f} for, {a} against, {x})",
}
ABSTENTIONS = {  # CLDR plural forms "one" / "other"
    "fr": ("{n} abstention", "{n} abstentions"),
    "nl": ("{n} onthouding", "{n} onthoudingen"),
    "de": ("{n} Enthaltung", "{n} Enthaltungen"),
    "en": ("{n} abstention", "{n} abstentions"),
}
VOTES = {
    "fr": ("{n} voix", "{n} voix"),
    "nl": ("{n} stem", "{n} stemmen"),
    "de": ("{n} Stimme", "{n} Stimmen"),
    "en": ("{n} vote", "{n} votes"),
}
TURNOUT = {
    "fr": "Participation : {voted} bulletins pour {eligible} coopérateurs ({percent}).",
    "nl": "Opkomst: {voted} stembrieven op {eligible} vennoten ({percent}).",
    "de": "Beteiligung: {voted} Stimmzettel bei {eligible} Mitgliedern ({percent}).",
    "en": "Turnout: {voted} ballots from {eligible} shareholders ({percent}).",
}
CANDIDATES_LINE = {
    "fr": "{code}. {title} : {counts}",
    "nl": "{code}. {title}: {counts}",
    "de": "{code}. {title}: {counts}",
    "en": "{code}. {title}: {counts}",
}
ELECTED_LINE = {
    "fr": "{code}. {title} — personnes élues : {names}",
    "nl": "{code}. {title} — verkozen: {names}",
    "de": "{code}. {title} — gewählt: {names}",
    "en": "{code}. {title} — elected: {names}",
}
NOBODY = {"fr": "personne", "nl": "niemand", "de": "niemand", "en": "nobody"}


def _title(titles: dict[str, dict[str, str]], code: str, lang: str) -> str:
    texts = titles.get(code, {})
    return texts.get(lang) or texts.get("en") or code


def _test(row: dict[str, Any], lang: str) -> str:
    quorum = QUORUM[bool(row["quorum_met"])][lang] if row["quorum_required"] else ""
    words = TEST if row["kind"] == "ordinary" else TEST_AT_LEAST
    return words[lang].format(m=row["majority"], q=quorum)


def minutes_rows(
    view: Any, lang: str
) -> tuple[list[MinutesResolution], list[MinutesCandidate], str]:
    """The result table of the minutes in `lang` (motions, candidates, who was elected)."""
    motions: list[MinutesResolution] = []
    candidates: list[MinutesCandidate] = []
    elected: list[str] = []
    for row in view.result["resolutions"]:
        title = _title(view.titles, row["id"], lang)
        if row["kind"] == "election":
            names = view.candidate_names.get(row["id"], {})
            for cid, votes in row["results"].items():
                candidates.append(
                    MinutesCandidate(
                        election=row["id"],
                        name=names.get(cid, cid),
                        votes=votes,
                        elected=YES_NO[cid in row["elected"]][lang],
                    )
                )
            chosen = ", ".join(names.get(c, c) for c in row["elected"]) or NOBODY[lang]
            elected.append(ELECTED_LINE[lang].format(code=row["id"], title=title, names=chosen))
            continue
        motions.append(
            MinutesResolution(
                code=row["id"],
                title=title,
                votes_for=row["for"],
                against=row["against"],
                abstain=row["abstain"],
                test=_test(row, lang),
                outcome=OUTCOME[bool(row["adopted"])][lang],
            )
        )
    return motions, candidates, "; ".join(elected)


def _plural(forms: dict[str, tuple[str, str]], amount: str, lang: str) -> str:
    """`amount` (a count as text, maybe a fraction of shares) with its CLDR plural word."""
    one, other = forms[lang]
    exact = Fraction(amount)
    plain = exact.denominator == 1
    form = Locale.parse(lang).plural_form(exact.numerator) if plain else "other"
    return (one if form == "one" else other).format(n=amount)


def results_summary(view: Any, lang: str) -> str:
    """Plain-text result lines for the results e-mail: turnout, each motion with its
    counts, each election with every candidate's votes and who was elected."""
    motions, candidates, elected = minutes_rows(view, lang)
    voted, eligible = len(view.trackers), view.eligible_voters
    percent = format_percent(voted / eligible if eligible else 0, locale=locale_for(lang))
    lines = [TURNOUT[lang].format(voted=voted, eligible=eligible, percent=percent), ""]
    lines += [
        SUMMARY_LINE[lang].format(
            code=m.code,
            title=m.title,
            outcome=m.outcome,
            f=m.votes_for,
            a=m.against,
            x=_plural(ABSTENTIONS, m.abstain, lang),
        )
        for m in motions
    ]
    for row in view.result["resolutions"]:
        if row["kind"] != "election":
            continue
        counts = ", ".join(
            f"{c.name} {_plural(VOTES, c.votes, lang)}"
            for c in candidates
            if c.election == row["id"]
        )
        title = _title(view.titles, row["id"], lang)
        lines.append(CANDIDATES_LINE[lang].format(code=row["id"], title=title, counts=counts))
    if elected:
        lines.extend(elected.split("; "))
    return "\n".join(lines)


def minutes_context(view: Any, lang: str, coop: Coop, today: date) -> AssemblyMinutes:
    """The draft minutes of a closed assembly (`view`: services.voting_closing.ClosedAssembly)."""
    motions, candidates, elected = minutes_rows(view, lang)
    counts = {"present": 0, "remote": 0, "represented": 0}
    for line in view.attendees:
        counts[line.mode] += 1
    return AssemblyMinutes(
        language=lang,
        coop=coop,
        today=today,
        assembly_title=labels.assembly_name(
            view.kind,
            brussels_date(view.meeting_at).year,
            lang,
            second_meeting=bool(view.second_meeting),
        ),
        meeting_at=view.meeting_at,
        place=view.place,
        closed_at=view.closed_at,
        second_meeting=YES_NO[bool(view.second_meeting)][lang],
        seal=view.seal,
        eligible_voters=view.eligible_voters,
        eligible_shares=view.eligible_shares,
        present=counts["present"],
        represented=counts["represented"],
        remote=counts["remote"],
        shares_present=sum(line.shares for line in view.attendees),
        capital_cents=view.capital_cents,
        attendees=[
            MinutesAttendee(
                name=a.name,
                mode=MODES[a.mode][lang],
                represented_by=a.represented_by,
                shares=a.shares,
            )
            for a in view.attendees
        ],
        resolutions=motions,
        candidates=candidates,
        elected=elected or NOBODY[lang],
        ballots=len(view.trackers),
        trackers=[MinutesTracker(n=n, receipt=r) for n, r in enumerate(view.trackers, start=1)],
    )
