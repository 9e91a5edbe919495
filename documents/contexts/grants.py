"""Contexts of the grant documents: award and rejection letters, the board's decision pack."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from documents.contexts import Addressee, TemplateContext


class InstalmentLine(BaseModel):
    seq: int
    amount_cents: int
    report_due: date | None = None  # None: paid at award


class GrantAwardLetter(TemplateContext):
    applicant: Addressee
    call: str
    reference: str
    title: str
    asked_cents: int
    amount_cents: int
    instalments: list[InstalmentLine]
    board_note: str = ""


class ReasonLine(BaseModel):
    text: str


class GrantRejectionLetter(TemplateContext):
    applicant: Addressee
    call: str
    reference: str
    title: str
    asked_cents: int
    outcome: str  # ineligible | beyond_limit | not_funded | unscored
    reasons: list[ReasonLine] = []
    score: str = ""  # "62.50 / 100"
    rank: int = 0
    ranked: int = 0
    last_funded_score: str = ""
    board_note: str = ""


class PackRow(BaseModel):
    rank: str
    reference: str
    applicant: str
    title: str
    asked_cents: int
    score: str
    criteria: str
    reviews: int
    proposed_cents: int


class RecusalRow(BaseModel):
    reference: str
    reviewer: str
    reason: str


class GrantDecisionPack(TemplateContext):
    call: str
    budget_cents: int
    proposed_cents: int
    left_cents: int
    criteria: str  # "impact ×3 (0-10) · feasibility ×2 (0-10)"
    partial_funding: str
    rows: list[PackRow]
    recusals: list[RecusalRow]
    ineligible: int
    beyond_limit: int


# Why a file was not considered, per language (codes from governance.grants.rules.grants.Ineligibility).
REASONS: dict[str, dict[str, str]] = {
    "no_title": {
        "fr": "le projet n'a pas de titre",
        "nl": "het project heeft geen titel",
        "de": "das Projekt hat keinen Titel",
        "en": "the project has no title",
    },
    "no_summary": {
        "fr": "le projet n'est pas décrit",
        "nl": "het project is niet beschreven",
        "de": "das Projekt ist nicht beschrieben",
        "en": "the project is not described",
    },
    "no_budget": {
        "fr": "le dossier ne contient pas de budget",
        "nl": "het dossier bevat geen begroting",
        "de": "die Akte enthält kein Budget",
        "en": "the file has no budget",
    },
    "above_project_budget": {
        "fr": "le montant demandé dépasse le budget du projet",
        "nl": "het gevraagde bedrag is hoger dan de projectbegroting",
        "de": "der beantragte Betrag übersteigt das Projektbudget",
        "en": "the amount asked is more than the project budget",
    },
    "late": {
        "fr": "le dossier est arrivé après la clôture",
        "nl": "het dossier kwam na de sluiting binnen",
        "de": "die Akte ging nach Ablauf der Frist ein",
        "en": "the file arrived after the closing time",
    },
    "member_not_active": {
        "fr": "vous n'êtes pas membre actif",
        "nl": "u bent geen actief lid",
        "de": "Sie sind kein aktives Mitglied",
        "en": "you are not an active member",
    },
    "below_minimum": {
        "fr": "le montant demandé est sous le minimum de l'appel",
        "nl": "het gevraagde bedrag ligt onder het minimum van de oproep",
        "de": "der beantragte Betrag liegt unter dem Mindestbetrag",
        "en": "the amount asked is below the call's minimum",
    },
    "above_maximum": {
        "fr": "le montant demandé dépasse le maximum de l'appel",
        "nl": "het gevraagde bedrag is hoger dan het maximum van de oproep",
        "de": "der beantragte Betrag übersteigt den Höchstbetrag",
        "en": "the amount asked is above the call's maximum",
    },
    "beyond_limit": {
        "fr": "seuls les premiers dossiers complets sont examinés et le vôtre est arrivé après",
        "nl": "enkel de eerste volledige dossiers worden onderzocht en het uwe kwam later",
        "de": "nur die ersten vollständigen Akten werden geprüft; Ihre kam später",
        "en": "only the first complete files are considered and yours came later",
    },
}


def reason_text(code: str, language: str) -> str:
    return REASONS[code][str(language)]
