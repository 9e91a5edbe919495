"""The grant award letter: amount, instalments and their conditions."""

from datetime import date

from documents.authoring import HOSTILE_TEXT, SAMPLE_COOP_KWARGS, Block, TemplateSource
from documents.contexts import Addressee, Coop
from documents.contexts.grants import GrantAwardLetter, InstalmentLine
from documents.letter_form import letter_opening, signature
from documents.staff_text import as_typed


def sample(language: str) -> GrantAwardLetter:
    return GrantAwardLetter(
        language=language,
        coop=Coop(**SAMPLE_COOP_KWARGS),
        today=date(2026, 11, 27),
        applicant=Addressee(name=HOSTILE_TEXT, street="Kerkstraat 1", postcode="9000", city="Gent"),
        call="Bourses 2027 <Salto> & co",
        reference="G001-0007",
        title=HOSTILE_TEXT,
        asked_cents=9000,
        amount_cents=9000,
        instalments=[
            InstalmentLine(seq=1, amount_cents=5400),
            InstalmentLine(seq=2, amount_cents=3600, report_due=date(2027, 6, 30)),
        ],
        board_note=as_typed("Un projet remarquable, soutenu à l'unanimité.", "fr", language),
    )


def _letter(language: str, texts: dict[str, str]) -> list[Block]:
    return [
        *letter_opening(language, "applicant", "{{ reference }}"),
        Block("title", texts["title"]),
        Block("p", "{{ applicant.name|salutation(applicant.company) }}"),
        Block("p", texts["granted"]),
        Block(
            "table",
            headers=(texts["h_seq"], texts["h_amount"], texts["h_when"]),
            loop="row in instalments",
            cells=(
                "{{ row.seq }}",
                "{{ row.amount_cents|money }}",
                "{% if row.report_due %}"
                + texts["on_report"]
                + " {{ row.report_due|date }}{% else %}"
                + texts["at_award"]
                + "{% endif %}",
            ),
        ),
        Block("p", texts["board"]),
        Block("p", texts["conditions"]),
        Block("p", texts["bye"]),
        signature(language),
    ]


SOURCE = TemplateSource(
    name="grant_award",
    blocks={
        "fr": _letter(
            "fr",
            {
                "title": "Votre bourse est accordée",
                "granted": "Pour votre projet « {{ title }} » (dossier {{ reference }}, appel "
                "{{ call }}), le jury vous accorde une bourse de {{ amount_cents|money }} "
                "(demandé : {{ asked_cents|money }}), versée en tranches :",
                "h_seq": "Tranche",
                "h_amount": "Montant",
                "h_when": "Versement",
                "on_report": "après acceptation de votre rapport, à remettre au plus tard le",
                "at_award": "dès l'octroi",
                "board": "{% if board_note %}Note du conseil : {{ board_note }}{% endif %}",
                "conditions": "Chaque tranche suivante n'est versée qu'après acceptation du "
                "rapport correspondant par nos services.",
                "bye": "Avec nos salutations coopératives,",
            },
        ),
        "nl": _letter(
            "nl",
            {
                "title": "Uw beurs is toegekend",
                "granted": "Voor uw project '{{ title }}' (dossier {{ reference }}, oproep "
                "{{ call }}) kent de jury u een beurs toe van {{ amount_cents|money }} "
                "(gevraagd: {{ asked_cents|money }}), uitbetaald in schijven:",
                "h_seq": "Schijf",
                "h_amount": "Bedrag",
                "h_when": "Uitbetaling",
                "on_report": "na aanvaarding van uw verslag, in te dienen uiterlijk op",
                "at_award": "bij de toekenning",
                "board": "{% if board_note %}Opmerking van de raad: {{ board_note }}{% endif %}",
                "conditions": "Elke volgende schijf wordt pas betaald nadat onze diensten het "
                "bijbehorende verslag hebben aanvaard.",
                "bye": "Met coöperatieve groeten,",
            },
        ),
        "de": _letter(
            "de",
            {
                "title": "Ihr Stipendium ist bewilligt",
                "granted": "Für Ihr Projekt „{{ title }}“ (Akte {{ reference }}, Aufruf "
                "{{ call }}) bewilligt die Jury ein Stipendium von "
                "{{ amount_cents|money }} (beantragt: {{ asked_cents|money }}), "
                "ausgezahlt in Raten:",
                "h_seq": "Rate",
                "h_amount": "Betrag",
                "h_when": "Auszahlung",
                "on_report": "nach Annahme Ihres Berichts, einzureichen spätestens am",
                "at_award": "bei Bewilligung",
                "board": "{% if board_note %}Anmerkung des Vorstands: {{ board_note }}{% endif %}",
                "conditions": "Jede weitere Rate wird erst nach Annahme des zugehörigen Berichts "
                "ausgezahlt.",
                "bye": "Mit genossenschaftlichen Grüßen,",
            },
        ),
        "en": _letter(
            "en",
            {
                "title": "Your grant is awarded",
                "granted": "For your project '{{ title }}' (file {{ reference }}, call {{ call }}) "
                "the jury awards you a grant of {{ amount_cents|money }} (asked: "
                "{{ asked_cents|money }}), paid in instalments:",
                "h_seq": "Instalment",
                "h_amount": "Amount",
                "h_when": "Paid",
                "on_report": "once your report is accepted, due at the latest on",
                "at_award": "at award",
                "board": "{% if board_note %}Note from the board: {{ board_note }}{% endif %}",
                "conditions": "Each further instalment is paid only after our staff accept the "
                "matching report.",
                "bye": "With cooperative greetings,",
            },
        ),
    },
    sample=sample,
    key_text={
        "fr": "Votre bourse est accordée",
        "nl": "Uw beurs is toegekend",
        "de": "Ihr Stipendium ist bewilligt",
        "en": "Your grant is awarded",
    },
)
