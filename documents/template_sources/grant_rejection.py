"""The grant rejection letter: why (ineligibility reasons) or how it scored."""

from datetime import date

from documents.authoring import HOSTILE_TEXT, SAMPLE_COOP_KWARGS, Block, TemplateSource
from documents.contexts import Addressee, Coop
from documents.contexts.grants import GrantRejectionLetter, ReasonLine
from documents.letter_form import letter_opening, signature
from documents.staff_text import score


def sample(language: str) -> GrantRejectionLetter:
    return GrantRejectionLetter(
        language=language,
        coop=Coop(**SAMPLE_COOP_KWARGS),
        today=date(2026, 11, 27),
        applicant=Addressee(
            name=HOSTILE_TEXT, street="Rue Haute 3", postcode="1000", city="Bruxelles"
        ),
        call="Bourses 2027",
        reference="G001-0011",
        title=HOSTILE_TEXT,
        asked_cents=9000,
        outcome="not_funded",
        reasons=[ReasonLine(text="—")],
        score=f"{score(6250, language)} / 100",
        rank=14,
        ranked=28,
        last_funded_score=f"{score(7100, language)} / 100",
    )


def _letter(language: str, t: dict[str, str]) -> list[Block]:
    return [
        *letter_opening(language, "applicant", "{{ reference }}"),
        Block("title", t["title"]),
        Block("p", "{{ applicant.name|salutation(applicant.company) }}"),
        Block("p", t["intro"]),
        Block("p", "{%p if outcome in ('ineligible', 'beyond_limit') %}"),
        Block("p", t["ineligible"]),
        Block("table", headers=(t["h_reason"],), loop="row in reasons", cells=("{{ row.text }}",)),
        Block("p", "{%p elif outcome == 'unscored' %}"),
        Block("p", t["unscored"]),
        Block("p", "{%p else %}"),
        Block("p", t["scored"]),
        Block("p", "{%p endif %}"),
        Block("p", t["board"]),
        Block("p", t["bye"]),
        signature(language),
    ]


SOURCE = TemplateSource(
    name="grant_rejection",
    blocks={
        "fr": _letter(
            "fr",
            {
                "title": "Votre demande de bourse",
                "intro": "Nous regrettons de ne pas pouvoir soutenir votre projet « {{ title }} » "
                "(dossier {{ reference }}, appel {{ call }}, {{ asked_cents|money }} "
                "demandés).",
                "ineligible": "Votre dossier n'a pas pu être examiné par le jury :",
                "h_reason": "Motif",
                "unscored": "Le jury n'a pas pu réunir assez d'évaluations pour classer votre "
                "dossier.",
                "scored": "Votre projet a obtenu {{ score }} (rang {{ rank }} sur {{ ranked }}) ; "
                "le dernier projet financé a obtenu {{ last_funded_score }}.",
                "board": "{% if board_note %}Note du conseil : {{ board_note }}{% endif %}",
                "bye": "Avec nos salutations coopératives,",
            },
        ),
        "nl": _letter(
            "nl",
            {
                "title": "Uw beursaanvraag",
                "intro": "Helaas kunnen we uw project '{{ title }}' (dossier {{ reference }}, "
                "oproep {{ call }}, {{ asked_cents|money }} gevraagd) niet steunen.",
                "ineligible": "Uw dossier kon niet door de jury onderzocht worden:",
                "h_reason": "Reden",
                "unscored": "De jury kon niet genoeg beoordelingen verzamelen om uw dossier te "
                "rangschikken.",
                "scored": "Uw project behaalde {{ score }} (plaats {{ rank }} van {{ ranked }}); "
                "het laatste gesteunde project behaalde {{ last_funded_score }}.",
                "board": "{% if board_note %}Opmerking van de raad: {{ board_note }}{% endif %}",
                "bye": "Met coöperatieve groeten,",
            },
        ),
        "de": _letter(
            "de",
            {
                "title": "Ihr Stipendienantrag",
                "intro": "Leider können wir Ihr Projekt „{{ title }}“ (Akte {{ reference }}, "
                "Aufruf {{ call }}, {{ asked_cents|money }} beantragt) nicht fördern.",
                "ineligible": "Ihre Akte konnte von der Jury nicht geprüft werden:",
                "h_reason": "Grund",
                "unscored": "Die Jury konnte nicht genug Bewertungen sammeln, um Ihre Akte "
                "einzustufen.",
                "scored": "Ihr Projekt erhielt {{ score }} (Rang {{ rank }} von {{ ranked }}); das "
                "letzte geförderte Projekt erhielt {{ last_funded_score }}.",
                "board": "{% if board_note %}Anmerkung des Vorstands: {{ board_note }}{% endif %}",
                "bye": "Mit genossenschaftlichen Grüßen,",
            },
        ),
        "en": _letter(
            "en",
            {
                "title": "Your grant application",
                "intro": "We regret that we cannot support your project '{{ title }}' (file "
                "{{ reference }}, call {{ call }}, {{ asked_cents|money }} asked).",
                "ineligible": "Your file could not be considered by the jury:",
                "h_reason": "Reason",
                "unscored": "The jury could not gather enough reviews to rank your file.",
                "scored": "Your project scored {{ score }} (rank {{ rank }} of {{ ranked }}); the "
                "last funded project scored {{ last_funded_score }}.",
                "board": "{% if board_note %}Note from the board: {{ board_note }}{% endif %}",
                "bye": "With cooperative greetings,",
            },
        ),
    },
    sample=sample,
    key_text={
        "fr": "Votre demande de bourse",
        "nl": "Uw beursaanvraag",
        "de": "Ihr Stipendienantrag",
        "en": "Your grant application",
    },
)
