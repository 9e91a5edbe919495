"""The paper form staff fill to create a general assembly, and how it is read (pure).

Choices are `Literal` strings written as staff read them (the UI shows the value itself in its
dropdown, and an inline enum is the only kind it fills). Days and times are typed as text in
Brussels time (`2027-06-12`, `14:00`): every problem comes back with the field's label, all at
once, so the form can be corrected in one go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from governance.assembly.rules.assembly import (
    AssemblyFacts,
    AssemblyKind,
    Candidate,
    ResolutionFacts,
    ResolutionKind,
    check_agenda,
)
from governance.kernel.rules.calendar import BRUSSELS
from governance.kernel.rules.errors import RuleViolation

KindOfAssembly = Literal["ordinary", "extraordinary", "mixed"]
KindOfDecision = Literal[
    "ordinary resolution (simple majority)",
    "statute amendment (3/4 of the votes)",
    "change of purpose (4/5 of the votes)",
    "election (seats and candidates)",
]
DECISION_KINDS: dict[str, ResolutionKind] = {
    "ordinary resolution (simple majority)": ResolutionKind.ORDINARY,
    "statute amendment (3/4 of the votes)": ResolutionKind.STATUTE_AMENDMENT,
    "change of purpose (4/5 of the votes)": ResolutionKind.OBJECT_CHANGE,
    "election (seats and candidates)": ResolutionKind.ELECTION,
}
LANGUAGE_NAMES = {"fr": "French", "nl": "Dutch", "de": "German", "en": "English"}
DAY = "YYYY-MM-DD"


def _text(title: str, description: str = "") -> object:
    """A required box of text (the convocation carries every language: CSA, statutes)."""
    return Field(..., title=title, description=description or None, max_length=4000)


class AgendaItemForm(BaseModel):
    """One item of the agenda: a resolution put to the vote, or an election."""

    model_config = ConfigDict(extra="forbid", title="Agenda item")

    code: str = Field(
        ...,
        title="Item number",
        description='As printed on the ballot: "R1", "R2"… for resolutions, "E1" for an election',
        max_length=10,
    )
    kind: KindOfDecision = Field(
        "ordinary resolution (simple majority)",
        title="Kind of decision",
        description="Sets the majority the count applies (statutes and CSA)",
    )
    title_fr: str = _text("Title in French")  # type: ignore[assignment]
    title_nl: str = _text("Title in Dutch")  # type: ignore[assignment]
    title_de: str = _text("Title in German")  # type: ignore[assignment]
    title_en: str = _text("Title in English")  # type: ignore[assignment]
    text_fr: str = _text("Proposed text in French", "The exact text put to the vote")  # type: ignore[assignment]
    text_nl: str = _text("Proposed text in Dutch")  # type: ignore[assignment]
    text_de: str = _text("Proposed text in German")  # type: ignore[assignment]
    text_en: str = _text("Proposed text in English")  # type: ignore[assignment]
    seats: int = Field(0, ge=0, le=50, title="Seats to fill", description="Elections only")
    candidates: str = Field(
        "",
        title="Candidates",
        description="Elections only: full names, separated by commas",
        max_length=4000,
    )


class AssemblyForm(BaseModel):
    """A general assembly as the board decided it: when, where, who votes, the agenda."""

    model_config = ConfigDict(extra="forbid", title="General assembly")

    title: str = Field(
        ...,
        title="Title",
        description="For staff lists, e.g. AG ordinaire 2027; members read the assembly's "
        "name by its kind and year in their own language",
        max_length=200,
    )
    kind: KindOfAssembly = Field("ordinary", title="Kind of assembly")
    meeting_day: str = Field(..., title="Meeting day", description=f"{DAY}, Brussels")
    meeting_time: str = Field("14:00", title="Meeting time", description="HH:MM, Brussels time")
    place: str = Field(..., title="Place", description="Address of the meeting", max_length=250)
    online_link: str = Field(
        "", title="Online meeting link", description="Leave empty for a meeting in person only"
    )
    record_date: str = Field(
        ...,
        title="Record date",
        description=f"{DAY}: shareholders at the end of this day vote (a past day at convening)",
    )
    voting_opens: str = Field(
        "",
        title="Online voting opens",
        description=f"{DAY} HH:MM, Brussels; empty: as soon as the assembly is created",
    )
    voting_closes: str = Field(
        "",
        title="Online voting closes",
        description=f"{DAY} HH:MM, Brussels; empty: when the meeting starts",
    )
    remote_voting_allowed: bool = Field(True, title="Shareholders may vote online or by proxy")
    board_report_document_key: str = Field(
        "",
        title="Board report (document key)",
        description="Required for a change of purpose (CSA 6:86): the archived report's key",
    )
    agenda: list[AgendaItemForm] = Field(..., title="Agenda", min_length=1, max_length=40)
    staff: str = Field("system", title="Started by", description="Your staff login")


class AssemblyFormRefused(RuleViolation):
    """The form has problems; `problems` lists each as `label: what to correct`."""

    code = "assembly_form_refused"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class AssemblyPlan:
    """The form read: what `create_assembly` needs, in UTC-aware moments."""

    facts: AssemblyFacts
    place: str
    remote_voting_allowed: bool
    online_link: str | None = None


class _Reader:
    """Collects every problem of the form instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, label: str, message: str) -> None:
        self.problems.append(f"{label}: {message}")

    def day(self, label: str, raw: str) -> date | None:
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            self.fail(label, f"write the day as {DAY}, e.g. 2027-06-12 (got “{raw}”)")
            return None

    def clock(self, label: str, raw: str) -> time | None:
        try:
            return time.fromisoformat(raw.strip())
        except ValueError:
            self.fail(label, f"write the time as HH:MM, e.g. 14:00 (got “{raw}”)")
            return None

    def moment(self, label: str, raw: str) -> datetime | None:
        day, _, hour = raw.strip().partition(" ")
        try:
            return datetime.combine(date.fromisoformat(day), time.fromisoformat(hour), BRUSSELS)
        except ValueError:
            self.fail(label, f"write it as {DAY} HH:MM, e.g. 2027-06-01 09:00 (got “{raw}”)")
            return None


def _item(reader: _Reader, n: int, item: AgendaItemForm) -> ResolutionFacts:
    where = f"Agenda item {n} ({item.code.strip() or 'no number'})"
    kind = DECISION_KINDS[item.kind]
    if not re.fullmatch(r"[A-Z][0-9]{1,3}", item.code.strip().upper()):
        reader.fail(where, "number the item with a letter and a number, e.g. R1, R2 or E1")
    names = [name.strip() for name in item.candidates.split(",") if name.strip()]
    if kind is ResolutionKind.ELECTION:
        if item.seats < 1:
            reader.fail(where, "an election needs at least one seat to fill")
        if not names:
            reader.fail(where, "an election needs its candidates, separated by commas")
    elif item.seats or names:
        reader.fail(where, "seats and candidates are for elections only")
    titles = {lang: getattr(item, f"title_{lang}").strip() for lang in LANGUAGE_NAMES}
    texts = {lang: getattr(item, f"text_{lang}").strip() for lang in LANGUAGE_NAMES}
    missing = [name for lang, name in LANGUAGE_NAMES.items() if not titles[lang] or not texts[lang]]
    if missing:
        reader.fail(where, f"the title and the proposed text are missing in {', '.join(missing)}")
    return ResolutionFacts(
        code=item.code.strip().upper(),
        kind=kind,
        title=titles,
        text=texts,
        seats=item.seats or None,
        candidates=tuple(Candidate(f"C{i}", name) for i, name in enumerate(names, start=1)),
        board_report=kind is ResolutionKind.OBJECT_CHANGE,
    )


def _voting_window(
    reader: _Reader, form: AssemblyForm, now: datetime, meeting: datetime | None
) -> tuple[datetime | None, datetime | None]:
    """When online voting opens (now by default) and closes (the meeting by default)."""
    opens = reader.moment("Online voting opens", form.voting_opens) if form.voting_opens else now
    closes = (
        reader.moment("Online voting closes", form.voting_closes) if form.voting_closes else meeting
    )
    if opens and closes and opens >= closes:
        reader.fail("Online voting closes", "the voting must close after it opens")
    if meeting and closes and closes > meeting + timedelta(hours=12):
        reader.fail("Online voting closes", "the voting must close by the end of the meeting day")
    return opens, closes


def _agenda(reader: _Reader, form: AssemblyForm) -> tuple[tuple[ResolutionFacts, ...], str | None]:
    """The agenda's items, each numbered once, and the board's report a change of purpose needs."""
    resolutions = tuple(_item(reader, n, item) for n, item in enumerate(form.agenda, start=1))
    codes = [r.code for r in resolutions]
    if len(set(codes)) != len(codes):
        reader.fail("Agenda", f"each item needs its own number (got {', '.join(codes)})")
    key = form.board_report_document_key.strip() or None
    if any(r.board_report for r in resolutions) and key is None:
        reader.fail(
            "Board report (document key)",
            "a change of purpose is void without the board's detailed report (CSA 6:86): "
            "archive the report and give its key",
        )
    return resolutions, key


def read_form(form: AssemblyForm, now: datetime, convocation_days: int) -> AssemblyPlan:
    """The form as an assembly plan, or AssemblyFormRefused listing every problem by label.

    The convocation must leave `convocation_days` full days before the meeting: a meeting
    too close to today could never be convened in time, so it is refused here already."""
    reader = _Reader()
    if len(form.title.strip()) < 3:
        reader.fail("Title", "give the assembly's title as printed on the convocation")
    if len(form.place.strip()) < 2:
        reader.fail("Place", "give the address of the meeting")
    day = reader.day("Meeting day", form.meeting_day)
    hour = reader.clock("Meeting time", form.meeting_time)
    record = reader.day("Record date", form.record_date)
    meeting = datetime.combine(day, hour, BRUSSELS) if day and hour else None
    today = now.astimezone(BRUSSELS).date()
    if day is not None and (day - today).days < convocation_days:
        earliest = today + timedelta(days=convocation_days)
        reader.fail(
            "Meeting day",
            f"the convocation must leave at least {convocation_days} days before the meeting "
            f"(statutes, CSA): created today, the meeting can be on {earliest.isoformat()} or later",
        )
    if record is not None and day is not None and record > day:
        reader.fail("Record date", "the record date must not be after the meeting day")
    opens, closes = _voting_window(reader, form, now, meeting)
    resolutions, key = _agenda(reader, form)
    place = form.place.strip()
    link = form.online_link.strip() or None
    if link is not None and (not link.startswith("https://") or " " in link or len(link) > 500):
        reader.fail("Online meeting link", "give the full https:// address (up to 500 characters)")
    if reader.problems or not (meeting and record and opens and closes):
        raise AssemblyFormRefused(reader.problems)
    facts = AssemblyFacts(
        title=form.title.strip(),
        kind=AssemblyKind(form.kind),
        meeting_at=meeting,
        record_date=record,
        voting_opens_at=opens,
        voting_closes_at=closes,
        resolutions=resolutions,
        board_report_document_key=key,
    )
    try:
        check_agenda(facts)  # the same rules as every other way in (nothing missed above)
    except RuleViolation as problem:
        raise AssemblyFormRefused([str(problem)]) from problem
    return AssemblyPlan(facts, place, form.remote_voting_allowed, link)
