"""Why a contract declaration was refused, in the member's language.

The automatic checks (governance.contracts.rules.contracts) write English sentences for staff; the
member reads the reason of each failed check from here, by its code."""

from __future__ import annotations

REASONS: dict[str, dict[str, str]] = {
    "member_active": {
        "fr": "votre compte n'est pas actif ou est restreint : aucun nouveau contrat n'est "
        "possible tant que ce n'est pas réglé",
        "nl": "uw account is niet actief of beperkt: een nieuw contract is pas mogelijk als dat "
        "geregeld is",
        "de": "Ihr Konto ist nicht aktiv oder eingeschränkt: ein neuer Vertrag ist erst möglich, "
        "wenn das geregelt ist",
        "en": "your account is not active or is restricted: no new contract is possible until "
        "that is settled",
    },
    "share_covers_work_years": {
        "fr": "aucune part ne couvre une des années de travail déclarées : une part par année "
        "de travail est nécessaire",
        "nl": "geen aandeel dekt een van de aangegeven werkjaren: er is één aandeel per werkjaar "
        "nodig",
        "de": "kein Anteil deckt eines der angegebenen Arbeitsjahre: ein Anteil pro Arbeitsjahr "
        "ist nötig",
        "en": "no share covers one of the years of work declared: one share per year of work is "
        "needed",
    },
    "client_identifiers": {
        "fr": "les identifiants du client (adresse e-mail, numéro d'entreprise ou de TVA) ne "
        "sont pas valables",
        "nl": "de gegevens van de klant (e-mailadres, ondernemings- of btw-nummer) zijn niet "
        "geldig",
        "de": "die Angaben des Kunden (E-Mail-Adresse, Unternehmens- oder MwSt.-Nummer) sind "
        "nicht gültig",
        "en": "the client's identifiers (e-mail address, enterprise or VAT number) are not valid",
    },
    "declared_before_work": {
        "fr": "la déclaration est arrivée le premier jour de travail ou après : la Dimona doit "
        "être faite avant le début du travail",
        "nl": "de aangifte kwam op of na de eerste werkdag binnen: de Dimona moet vóór het begin "
        "van het werk gebeuren",
        "de": "die Meldung ging am ersten Arbeitstag oder später ein: die Dimona muss vor "
        "Arbeitsbeginn erfolgen",
        "en": "the declaration arrived on or after the first work day: the Dimona must be filed "
        "before work starts",
    },
    "amount_positive": {
        "fr": "le montant hors TVA doit être supérieur à zéro",
        "nl": "het bedrag exclusief btw moet groter zijn dan nul",
        "de": "der Betrag ohne MwSt. muss über null liegen",
        "en": "the amount excluding VAT must be above zero",
    },
    "minimum_gross_salary": {
        "fr": "le salaire brut qui en résulte est inférieur au minimum légal par jour de travail",
        "nl": "het brutoloon dat eruit volgt, ligt onder het wettelijke minimum per werkdag",
        "de": "der sich ergebende Bruttolohn liegt unter dem gesetzlichen Mindestlohn pro "
        "Arbeitstag",
        "en": "the resulting gross salary is below the legal minimum per work day",
    },
    "employment_language": {
        "fr": "la langue du contrat de travail ne correspond pas à celle de votre bureau",
        "nl": "de taal van de arbeidsovereenkomst stemt niet overeen met die van uw kantoor",
        "de": "die Sprache des Arbeitsvertrags entspricht nicht der Ihres Büros",
        "en": "the language of the employment contract does not match your office's",
    },
    "fee": {
        "fr": "les frais de fonctionnement indiqués ne correspondent pas au taux de la coopérative",
        "nl": "de vermelde werkingskosten stemmen niet overeen met het tarief van de coöperatie",
        "de": "die angegebenen Betriebskosten entsprechen nicht dem Satz der Genossenschaft",
        "en": "the operating fee stated does not match the cooperative's rate",
    },
}


def check_reason(code: str, language: str) -> str:
    """The member's sentence for a failed check (the code itself if none is written)."""
    return REASONS.get(str(code), {}).get(str(language), str(code))
