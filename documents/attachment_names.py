"""Names of attached documents as a member reads them ("Lettre de bienvenue.pdf"), not the
archive's file names (`welcome_letter-3-6a2318c910aa.fr.docx`)."""

from __future__ import annotations

from pathlib import PurePath

TITLES: dict[str, dict[str, str]] = {
    "welcome_letter": {
        "fr": "Lettre de bienvenue",
        "nl": "Welkomstbrief",
        "de": "Willkommensbrief",
        "en": "Welcome letter",
    },
    "membership_summary": {
        "fr": "Récapitulatif de votre adhésion",
        "nl": "Overzicht van uw lidmaatschap",
        "de": "Übersicht Ihrer Mitgliedschaft",
        "en": "Your membership summary",
    },
    "share_certificate": {
        "fr": "Certificat de parts",
        "nl": "Aandelencertificaat",
        "de": "Anteilsbescheinigung",
        "en": "Share certificate",
    },
    "register_extract": {
        "fr": "Extrait du registre des coopérateurs",
        "nl": "Uittreksel uit het aandelenregister",
        "de": "Auszug aus dem Anteilsregister",
        "en": "Extract from the share register",
    },
    "employment_contract": {
        "fr": "Contrat de travail",
        "nl": "Arbeidsovereenkomst",
        "de": "Arbeitsvertrag",
        "en": "Employment contract",
    },
    "client_agreement": {
        "fr": "Convention de prestation",
        "nl": "Overeenkomst van dienstverlening",
        "de": "Dienstleistungsvereinbarung",
        "en": "Service agreement",
    },
    "invoice": {"fr": "Facture", "nl": "Factuur", "de": "Rechnung", "en": "Invoice"},
    "grant_award": {
        "fr": "Lettre d'octroi de bourse",
        "nl": "Toekenningsbrief beurs",
        "de": "Stipendienzusage",
        "en": "Grant award letter",
    },
    "grant_rejection": {
        "fr": "Réponse à votre demande de bourse",
        "nl": "Antwoord op uw beursaanvraag",
        "de": "Antwort auf Ihren Stipendienantrag",
        "en": "Reply to your grant application",
    },
    "grant_decision_pack": {
        "fr": "Dossier de décision",
        "nl": "Beslissingsdossier",
        "de": "Entscheidungsvorlage",
        "en": "Decision pack",
    },
    "assembly_convocation": {
        "fr": "Convocation à l'assemblée générale",
        "nl": "Oproeping tot de algemene vergadering",
        "de": "Einberufung der Generalversammlung",
        "en": "Notice of the general assembly",
    },
    "assembly_proxy": {
        "fr": "Formulaire de procuration",
        "nl": "Volmachtformulier",
        "de": "Vollmachtsformular",
        "en": "Proxy form",
    },
    "assembly_ballot": {
        "fr": "Bulletin de vote",
        "nl": "Stembrief",
        "de": "Stimmzettel",
        "en": "Ballot paper",
    },
    "assembly_minutes": {
        "fr": "Procès-verbal de l'assemblée générale",
        "nl": "Notulen van de algemene vergadering",
        "de": "Protokoll der Generalversammlung",
        "en": "Minutes of the general assembly",
    },
    "transition_invitation": {
        "fr": "Invitation",
        "nl": "Uitnodiging",
        "de": "Einladung",
        "en": "Invitation",
    },
    "transition_board_report": {
        "fr": "Rapport au conseil d'administration",
        "nl": "Verslag aan de raad van bestuur",
        "de": "Bericht an den Verwaltungsrat",
        "en": "Report to the board",
    },
}


def template_of(path: str) -> str:
    """The template an archived file was made from: its name up to the first '-' or '.'."""
    name = PurePath(path).name
    return name.split("-", 1)[0].split(".", 1)[0]


# Documents a member may hold several of: their name carries the file's reference.
_REFERENCED = {
    "employment_contract": "C-{id:0>6}",
    "client_agreement": "C-{id:0>6}",
    "grant_award": "{id}",
    "grant_rejection": "{id}",
}


def _reference(path: str, template: str) -> str:
    """'C-000042' from 'employment_contract-42-<digest>.nl.pdf' (archive naming of
    documents/produce.py: template-subject-digest.language.ext); '' when not applicable."""
    pattern = _REFERENCED.get(template)
    stem = PurePath(path).name.split(".", 1)[0]
    if pattern is None or not stem.startswith(template + "-") or stem.count("-") < 2:
        return ""
    subject = stem[len(template) + 1 :].rsplit("-", 1)[0]
    return pattern.format(id=subject) if subject else ""


def attachment_names(paths: list[str], language: str) -> list[str]:
    """A readable name per attached file, in the message's language, unique in the message
    ("Facture.pdf", "Facture (2).pdf"); a file of an unknown kind keeps its own name."""
    names: list[str] = []
    for path in paths:
        pure = PurePath(path)
        template = template_of(path)
        title = TITLES.get(template, {}).get(str(language))
        reference = _reference(path, template)
        if title and reference:
            title = f"{title} {reference}"
        name = f"{title}{pure.suffix}" if title else pure.name
        candidate, n = name, 1
        while candidate in names:
            n += 1
            candidate = f"{PurePath(name).stem} ({n}){pure.suffix}"
        names.append(candidate)
    return names


def template_named(filename: str) -> str | None:
    """The template whose title (in any language) an attachment carries: 'Factuur.pdf' →
    'invoice'; None for a name that is no title."""
    stem = PurePath(filename).stem
    base = stem.rsplit(" (", 1)[0] if stem.endswith(")") else stem
    for template, titles in TITLES.items():
        for title in titles.values():
            if base == title or (template in _REFERENCED and base.startswith(title + " ")):
                return template
    return None
