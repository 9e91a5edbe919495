"""The membership summary: what the cooperative recorded when the member was admitted."""

from datetime import date

from documents.authoring import HOSTILE_TEXT, SAMPLE_COOP_KWARGS, Block, TemplateSource
from documents.contexts import Addressee, Coop
from documents.contexts.onboarding import MembershipSummary
from documents.letter_form import letter_opening

LABELS = {
    "fr": ("personne", "oui", "ordinaire"),
    "nl": ("persoon", "ja", "gewoon"),
    "de": ("Person", "ja", "gewöhnlich"),
    "en": ("person", "yes", "ordinary"),
}


def sample(language: str) -> MembershipSummary:
    kind, yes, attestation = LABELS[language]
    return MembershipSummary(
        language=language,
        coop=Coop(**SAMPLE_COOP_KWARGS),
        today=date(2026, 11, 27),
        member=Addressee(name=HOSTILE_TEXT, street="Kerkstraat 1", postcode="9000", city="Gent"),
        member_number="M0000042",
        kind=kind,
        email="zoe@example.org",
        phone="+32 9 123 45 67",
        office="Gent",
        iban_masked="BE71 **** **** 6769",
        national_number_recorded=yes,
        attestation=attestation,
        share_class="A",
        shares=3,
        amount_cents=9000,
        privacy_policy_accepted_on=date(2026, 11, 20),
        internal_rules_accepted_on=date(2026, 11, 20),
        capital_risk_accepted_on=date(2026, 11, 21),
    )


def _rows(labels: tuple[str, ...], sep: str) -> list[Block]:
    fields = (
        "{{ member_number }}",
        "{{ member.name }}",
        "{{ kind }}",
        "{{ member.street }}, {{ member.postcode }} {{ member.city }}"
        "{% if member.country|upper != 'BE' %}, {{ member.country|country }}{% endif %}",
        "{{ email }}",
        "{{ phone }}",
        "{{ office }}",
        "{{ iban_masked }}",
        "{{ national_number_recorded }}",
        "{{ attestation }}",
        "{{ shares }} × {{ share_class }} = {{ amount_cents|money }}",
        "{{ privacy_policy_accepted_on|date }}",
        "{{ internal_rules_accepted_on|date }}",
        "{{ capital_risk_accepted_on|date }}",
    )
    return [Block("p", f"{label}{sep}{value}") for label, value in zip(labels, fields, strict=True)]


TEXT = {
    "fr": (
        "Récapitulatif de votre adhésion",
        "Voici ce que {{ coop.name }} a enregistré le {{ today|date }}. Signalez-nous toute "
        "erreur en répondant au courriel.",
        (
            "Numéro de membre",
            "Nom",
            "Type",
            "Domicile",
            "Courriel",
            "Téléphone",
            "Bureau",
            "Compte (IBAN)",
            "Numéro national enregistré (chiffré, jamais imprimé)",
            "Attestation du travail des arts",
            "Parts souscrites",
            "Politique de confidentialité acceptée le",
            "Règlement d'ordre intérieur accepté le",
            "Risque du capital accepté le",
        ),
        "Le capital coopératif peut être perdu en tout ou en partie. Votre nom et votre "
        "domicile figurent au registre des parts tant que vous êtes coopérateur.",
    ),
    "nl": (
        "Overzicht van uw lidmaatschap",
        "Dit heeft {{ coop.name }} op {{ today|date }} geregistreerd. Meld ons elke fout door "
        "op de e-mail te antwoorden.",
        (
            "Lidnummer",
            "Naam",
            "Soort",
            "Woonplaats",
            "E-mail",
            "Telefoon",
            "Kantoor",
            "Rekening (IBAN)",
            "Rijksregisternummer geregistreerd (versleuteld, nooit afgedrukt)",
            "Kunstwerkattest",
            "Ingeschreven aandelen",
            "Privacybeleid aanvaard op",
            "Huishoudelijk reglement aanvaard op",
            "Kapitaalrisico aanvaard op",
        ),
        "Coöperatief kapitaal kan geheel of gedeeltelijk verloren gaan. Uw naam en woonplaats "
        "staan in het aandelenregister zolang u vennoot bent.",
    ),
    "de": (
        "Übersicht Ihrer Mitgliedschaft",
        "Dies hat {{ coop.name }} am {{ today|date }} erfasst. Melden Sie uns jeden Fehler, "
        "indem Sie auf die E-Mail antworten.",
        (
            "Mitgliedsnummer",
            "Name",
            "Art",
            "Wohnsitz",
            "E-Mail",
            "Telefon",
            "Büro",
            "Konto (IBAN)",
            "Nationalregisternummer erfasst (verschlüsselt, nie gedruckt)",
            "Bescheinigung der künstlerischen Tätigkeit",
            "Gezeichnete Anteile",
            "Datenschutzerklärung akzeptiert am",
            "Hausordnung akzeptiert am",
            "Kapitalrisiko akzeptiert am",
        ),
        "Genossenschaftskapital kann ganz oder teilweise verloren gehen. Ihr Name und Wohnsitz "
        "stehen im Anteilsregister, solange Sie Genossenschafter sind.",
    ),
    "en": (
        "Summary of your membership",
        "This is what {{ coop.name }} recorded on {{ today|date }}. Tell us about any mistake "
        "by replying to the e-mail.",
        (
            "Member number",
            "Name",
            "Kind",
            "Domicile",
            "E-mail",
            "Phone",
            "Office",
            "Account (IBAN)",
            "National number recorded (encrypted, never printed)",
            "Arts-worker attestation",
            "Shares subscribed",
            "Privacy policy accepted on",
            "Internal rules accepted on",
            "Risk of share capital acknowledged on",
        ),
        "Cooperative share capital can be lost in whole or in part. Your name and domicile "
        "appear in the share register for as long as you are a shareholder.",
    ),
}

SOURCE = TemplateSource(
    name="membership_summary",
    blocks={
        lang: [
            *letter_opening(lang, "member", "{{ member_number }}"),
            Block("title", title),
            Block("p", intro),
            *_rows(labels, "\u00a0: " if lang == "fr" else ": "),
            Block("small", risk),
        ]
        for lang, (title, intro, labels, risk) in TEXT.items()
    },
    sample=sample,
    key_text={
        "fr": "Récapitulatif de votre adhésion",
        "nl": "Overzicht van uw lidmaatschap",
        "de": "Übersicht Ihrer Mitgliedschaft",
        "en": "Summary of your membership",
    },
)
