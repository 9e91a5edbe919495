"""The legal register of shareholders as at a date (CSA 6:24), per class; no national number."""

from datetime import date

from documents import labels
from documents.authoring import HOSTILE_TEXT, SAMPLE_COOP_KWARGS, Block, TemplateSource
from documents.contexts import Coop
from documents.contexts.register import (
    ExtractClass,
    ExtractHolder,
    ExtractTransfer,
    RegisterExtract,
)
from governance.statutes import get_statutes


def sample(language: str) -> RegisterExtract:
    return RegisterExtract(
        language=language,
        coop=Coop(**SAMPLE_COOP_KWARGS),
        today=date(2026, 11, 27),
        as_at=date(2026, 6, 30),
        voting=labels.voting_rule("per_member", None, language),
        transfer_rule=labels.transfer_rule(get_statutes().transfer_rule, language),
        classes=[
            ExtractClass(
                share_class="A",
                label=get_statutes().share_class("A").label_in(language),
                nominal_cents=3000,
                holders=2,
                shares=4,
                paid_cents=12000,
            )
        ],
        rows=[
            ExtractHolder(
                share_class="A",
                number="M0000001",
                name=HOSTILE_TEXT,
                address="Kerkstraat 1, 9000 Gent",
                company_number="",
                shares=3,
                paid_cents=9000,
            ),
            ExtractHolder(
                share_class="A",
                number="M0000002",
                name="Studio & Co SRL",
                address="Rue Haute 1, 1000 Bruxelles",
                company_number="0403.019.261",
                shares=1,
                paid_cents=3000,
            ),
        ],
        transfers=[
            ExtractTransfer(
                on=date(2026, 2, 1),
                share_class="A",
                shares=1,
                giver="Jan Peeters",
                receiver=HOSTILE_TEXT,
                sequence=17,
            )
        ],
        last_sequence=42,
    )


WORDS = {
    "fr": (
        "Registre des parts au {{ as_at|date }}",
        "Catégories",
        "Titulaires",
        "Cessions datées",
        ("Cat.", "Libellé", "Valeur nominale", "Titulaires", "Parts", "Libéré"),
        ("Cat.", "N°", "Nom", "Domicile / siège", "BCE", "Parts", "Libéré"),
        ("Date", "Cat.", "Parts", "Cédant", "Cessionnaire", "Inscription"),
        "Droit de vote : {{ voting }}. Cessions : {{ transfer_rule }}.",
        "Extrait établi le {{ today|date }} ; dernière inscription n° {{ last_sequence }}.",
    ),
    "nl": (
        "Aandelenregister op {{ as_at|date }}",
        "Categorieën",
        "Houders",
        "Gedateerde overdrachten",
        ("Cat.", "Omschrijving", "Nominale waarde", "Houders", "Aandelen", "Gestort"),
        ("Cat.", "Nr.", "Naam", "Woonplaats / zetel", "KBO", "Aandelen", "Gestort"),
        ("Datum", "Cat.", "Aandelen", "Overdrager", "Overnemer", "Inschrijving"),
        "Stemrecht: {{ voting }}. Overdrachten: {{ transfer_rule }}.",
        "Uittreksel opgemaakt op {{ today|date }}; laatste inschrijving nr. {{ last_sequence }}.",
    ),
    "de": (
        "Anteilsregister zum {{ as_at|date }}",
        "Kategorien",
        "Inhaber",
        "Datierte Übertragungen",
        ("Kat.", "Bezeichnung", "Nennwert", "Inhaber", "Anteile", "Eingezahlt"),
        ("Kat.", "Nr.", "Name", "Wohnsitz / Sitz", "ZDU", "Anteile", "Eingezahlt"),
        ("Datum", "Kat.", "Anteile", "Übertragender", "Erwerber", "Eintragung"),
        "Stimmrecht: {{ voting }}. Übertragungen: {{ transfer_rule }}.",
        "Auszug erstellt am {{ today|date }}; letzte Eintragung Nr. {{ last_sequence }}.",
    ),
    "en": (
        "Register of shareholders as at {{ as_at|date }}",
        "Classes",
        "Holders",
        "Dated transfers",
        ("Class", "Label", "Nominal value", "Holders", "Shares", "Paid"),
        ("Class", "No.", "Name", "Domicile / seat", "Enterprise no.", "Shares", "Paid"),
        ("Date", "Class", "Shares", "From", "To", "Entry"),
        "Voting rights: {{ voting }}. Transfers: {{ transfer_rule }}.",
        "Extract made on {{ today|date }}; last entry no. {{ last_sequence }}.",
    ),
}


def _blocks(lang: str) -> list[Block]:
    title, classes, holders, transfers, h_class, h_row, h_transfer, rights, made = WORDS[lang]
    return [
        Block("title", title),
        Block("p", rights),
        Block("heading", classes),
        Block(
            "table",
            headers=h_class,
            loop="c in classes",
            cells=(
                "{{ c.share_class }}",
                "{{ c.label }}",
                "{{ c.nominal_cents|money }}",
                "{{ c.holders }}",
                "{{ c.shares }}",
                "{{ c.paid_cents|money }}",
            ),
        ),
        Block("heading", holders),
        Block(
            "table",
            headers=h_row,
            loop="row in rows",
            widths=(1.4, 2.4, 5.0, 5.4, 2.8, 2.2, 2.6),
            cells=(
                "{{ row.share_class }}",
                "{{ row.number }}",
                "{{ row.name }}",
                "{{ row.address }}",
                "{{ row.company_number }}",
                "{{ row.shares }}",
                "{{ row.paid_cents|money }}",
            ),
        ),
        Block("heading", transfers),
        Block(
            "table",
            headers=h_transfer,
            loop="t in transfers",
            cells=(
                "{{ t.on|date }}",
                "{{ t.share_class }}",
                "{{ t.shares }}",
                "{{ t.giver }}",
                "{{ t.receiver }}",
                "{{ t.sequence }}",
            ),
        ),
        Block("small", made),
    ]


SOURCE = TemplateSource(
    name="register_extract",
    blocks={lang: _blocks(lang) for lang in WORDS},
    landscape=True,  # seven columns: names and addresses whole
    sample=sample,
    key_text={
        "fr": "Registre des parts au 30 juin 2026",
        "nl": "Aandelenregister op 30 juni 2026",
        "de": "Anteilsregister zum 30. Juni 2026",
        "en": "Register of shareholders as at 30 June 2026",
    },
)
