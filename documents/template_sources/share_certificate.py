"""The share certificate: what a member holds in one class after an issue or a transfer."""

from datetime import date

from documents.authoring import HOSTILE_TEXT, SAMPLE_COOP_KWARGS, Block, TemplateSource
from documents.contexts import Addressee, Coop
from documents.contexts.register import ShareCertificate
from governance.statutes import get_statutes


def sample(language: str) -> ShareCertificate:
    return ShareCertificate(
        language=language,
        coop=Coop(**SAMPLE_COOP_KWARGS),
        today=date(2026, 11, 27),
        member=Addressee(name=HOSTILE_TEXT, street="Kerkstraat 1", postcode="9000", city="Gent"),
        member_number="M0000042",
        share_class="A",
        class_label=get_statutes().share_class("A").label_in(language),
        shares=3,
        paid_cents=9000,
        nominal_cents=3000,
        entry_sequence=1234,
        as_of=date(2026, 12, 1),
    )


TEXT = {
    "fr": (
        "Certificat de parts",
        "{{ coop.name }} certifie que {{ member.name }} {% if member_number %}(membre {{ member_number }}) {% endif %}détient "
        "{{ shares|plural('part', 'parts') }} de catégorie {{ share_class }} ({{ class_label }}), d'une valeur "
        "nominale de {{ nominal_cents|money }} par part ; montant libéré : "
        "{{ paid_cents|money }}.",
        "Inscription au registre des parts n° {{ entry_sequence }} du {{ as_of|date }}. "
        "Le registre électronique est seul authentique ; ce certificat n'est pas cessible.",
        "Fait le {{ as_of|date }}, pour le conseil d'administration.",
    ),
    "nl": (
        "Aandelencertificaat",
        "{{ coop.name }} verklaart dat {{ member.name }} {% if member_number %}(lid {{ member_number }}) {% endif %}"
        "{{ shares|plural('aandeel', 'aandelen') }} van categorie {{ share_class }} ({{ class_label }}) "
        "bezit, met een nominale waarde van {{ nominal_cents|money }} per aandeel, volledig "
        "volgestort: {{ paid_cents|money }} betaald.",
        "Inschrijving in het aandelenregister nr. {{ entry_sequence }} van {{ as_of|date }}. "
        "Enkel het elektronische register is authentiek; dit certificaat is niet overdraagbaar.",
        "Opgemaakt op {{ as_of|date }}, voor de raad van bestuur.",
    ),
    "de": (
        "Anteilszertifikat",
        "{{ coop.name }} bescheinigt, dass {{ member.name }} {% if member_number %}(Mitglied {{ member_number }}) {% endif %}"
        "{{ shares|plural('Anteil', 'Anteile') }} der Kategorie {{ share_class }} ({{ class_label }}) mit einem "
        "Nennwert von je {{ nominal_cents|money }} hält, voll eingezahlt: "
        "{{ paid_cents|money }} gezahlt.",
        "Eintragung im Anteilsregister Nr. {{ entry_sequence }} vom {{ as_of|date }}. "
        "Allein das elektronische Register ist maßgeblich; dieses Zertifikat ist nicht "
        "übertragbar.",
        "Ausgestellt am {{ as_of|date }}, für den Verwaltungsrat.",
    ),
    "en": (
        "Share certificate",
        "{{ coop.name }} certifies that {{ member.name }} {% if member_number %}(member {{ member_number }}) {% endif %}holds "
        "{{ shares|plural('class ' ~ share_class ~ ' share', 'class ' ~ share_class ~ ' shares') }} ({{ class_label }}), of a nominal value "
        "of {{ nominal_cents|money }} each, fully paid: {{ paid_cents|money }} paid.",
        "Register of shareholders entry no. {{ entry_sequence }} of {{ as_of|date }}. "
        "The electronic register alone is authentic; this certificate is not transferable.",
        "Issued on {{ as_of|date }}, for the board of directors.",
    ),
}

SOURCE = TemplateSource(
    name="share_certificate",
    blocks={
        lang: [
            Block("p", "{{ member.name }}"),
            Block(
                "p",
                "{{ member.street }}, {{ member.postcode }} {{ member.city }}"
                "{% if member.country != 'BE' %} ({{ member.country }}){% endif %}",
            ),
            Block("title", title),
            Block("p", body),
            Block("p", entry),
            Block("small", signed),
        ]
        for lang, (title, body, entry, signed) in TEXT.items()
    },
    sample=sample,
    key_text={
        "fr": "Certificat de parts",
        "nl": "Aandelencertificaat",
        "de": "Anteilszertifikat",
        "en": "Share certificate",
    },
)
