"""The agreement with the client (in the client's language): the job, the price, the terms."""

from datetime import date

from documents.authoring import HOSTILE_TEXT, SAMPLE_COOP_KWARGS, Block, TemplateSource
from documents.contexts import Addressee, Coop
from documents.contexts.contracts import PLACE, ClientAgreement, Job
from documents.letter_form import letter_opening, signatory, signatures

# Sample facts shared by the three contract templates (their tests use them).
SAMPLE_TODAY = date(2026, 11, 27)


def sample_coop() -> Coop:
    return Coop(**SAMPLE_COOP_KWARGS)


def sample_job() -> Job:
    days = [date(2026, 12, 3), date(2026, 12, 4)]
    return Job(
        reference="C-000042",
        function="Ingénieur·e du son",
        description=HOSTILE_TEXT,
        risks="",
        days=days,
        days_count=len(days),
        first_day=days[0],
        last_day=days[-1],
        place="Gent (BE)",
        city="Gent",
        country="BE",
    )


def sample_client() -> Addressee:
    return Addressee(name=HOSTILE_TEXT, street="Veldstraat 1", postcode="9000", city="Gent")


def sample_member() -> Addressee:
    return Addressee(name="Zoë D'Hondt", street="Rue Haute 5", postcode="1000", city="Bruxelles")


def sample(language: str) -> ClientAgreement:
    return ClientAgreement(
        language=language,
        coop=sample_coop(),
        today=SAMPLE_TODAY,
        client=sample_client(),
        client_enterprise_number="0403.019.261",
        member_name="Zoë D'Hondt",
        job=sample_job(),
        net_cents=150000,
        vat_label="21%",
        vat_mention="",
        vat_cents=31500,
        total_cents=181500,
        payment_term_days=30,
    )


_DAYS = "{% for d in job.days %}{{ d|date }}{% if not loop.last %}, {% endif %}{% endfor %}"


def _blocks(language: str, t: dict[str, str]) -> list[Block]:
    colon = "\u202f:" if language == "fr" else ":"  # French sets a thin space before a colon
    return [
        *letter_opening(language, "client", "{{ job.reference }}"),
        Block("title", t["title"]),
        Block("p", t["parties"]),
        Block("p", "{% if client_enterprise_number %}" + t["client_no"] + "{% endif %}"),
        Block("heading", t["job_h"]),
        Block("p", "{{ job.function }} — {{ job.description }}"),
        Block("p", t["when"] + " " + _DAYS + " — " + PLACE),
        Block("heading", t["price_h"]),
        Block("p", t["net"] + colon + " {{ net_cents|money }}"),
        Block("p", t["vat"] + " {{ vat_label }}" + colon + " {{ vat_cents|money }}"),
        Block("p", "{{ vat_mention }}"),
        Block("p", t["total"] + colon + " {{ total_cents|money }}"),
        Block("p", t["terms"]),
        Block("small", t["small"]),
        signatures(
            language,
            t["for_coop"] + "\n{{ coop.name }}\n" + signatory(language),
            t["for_client"] + "\n{{ client.name }}",
        ),
    ]


SOURCE = TemplateSource(
    name="client_agreement",
    blocks={
        "fr": _blocks(
            "fr",
            {
                "client_no": "Numéro d'entreprise du client : {{ client_enterprise_number|enterprise }}",
                "for_coop": "Pour le prestataire",
                "for_client": "Pour le client",
                "title": "Convention de prestation {{ job.reference }}",
                "parties": "Entre {{ coop.name }} (le prestataire), qui emploie {{ member_name }} pour "
                "cette mission, et {{ client.name }} (le client).",
                "job_h": "La prestation",
                "when": "Dates :",
                "price_h": "Le prix",
                "net": "Montant HTVA",
                "vat": "TVA",
                "total": "Total TVAC",
                "terms": "Le client paie la facture dans les {{ payment_term_days }} jours, avec la "
                "communication structurée indiquée sur la facture.",
                "small": "Toute modification de la prestation doit être convenue par écrit avant le "
                "premier jour de travail.",
            },
        ),
        "nl": _blocks(
            "nl",
            {
                "client_no": "Ondernemingsnummer van de klant: {{ client_enterprise_number|enterprise }}",
                "for_coop": "Voor de dienstverlener",
                "for_client": "Voor de klant",
                "title": "Overeenkomst van dienstverlening {{ job.reference }}",
                "parties": "Tussen {{ coop.name }} (de dienstverlener), die {{ member_name }} voor "
                "deze opdracht tewerkstelt, en {{ client.name }} (de klant).",
                "job_h": "De opdracht",
                "when": "Data:",
                "price_h": "De prijs",
                "net": "Bedrag excl. btw",
                "vat": "Btw",
                "total": "Totaal incl. btw",
                "terms": "De klant betaalt de factuur binnen {{ payment_term_days }} dagen, met de "
                "gestructureerde mededeling op de factuur.",
                "small": "Elke wijziging van de opdracht wordt schriftelijk overeengekomen vóór de "
                "eerste werkdag.",
            },
        ),
        "de": _blocks(
            "de",
            {
                "client_no": "Unternehmensnummer des Kunden: {{ client_enterprise_number|enterprise }}",
                "for_coop": "Für den Dienstleister",
                "for_client": "Für den Kunden",
                "title": "Dienstleistungsvereinbarung {{ job.reference }}",
                "parties": "Zwischen {{ coop.name }} (der Dienstleister), die {{ member_name }} für "
                "diesen Auftrag beschäftigt, und {{ client.name }} (der Kunde).",
                "job_h": "Der Auftrag",
                "when": "Daten:",
                "price_h": "Der Preis",
                "net": "Betrag ohne MwSt.",
                "vat": "MwSt.",
                "total": "Gesamt inkl. MwSt.",
                "terms": "Der Kunde zahlt die Rechnung innerhalb von {{ payment_term_days }} Tagen "
                "mit der strukturierten Mitteilung der Rechnung.",
                "small": "Jede Änderung des Auftrags wird vor dem ersten Arbeitstag schriftlich "
                "vereinbart.",
            },
        ),
        "en": _blocks(
            "en",
            {
                "client_no": "Client's enterprise number: {{ client_enterprise_number|enterprise }}",
                "for_coop": "For the provider",
                "for_client": "For the client",
                "title": "Service agreement {{ job.reference }}",
                "parties": "Between {{ coop.name }} (the provider), which employs {{ member_name }} "
                "for this job, and {{ client.name }} (the client).",
                "job_h": "The job",
                "when": "Dates:",
                "price_h": "The price",
                "net": "Amount excl. VAT",
                "vat": "VAT",
                "total": "Total incl. VAT",
                "terms": "The client pays the invoice within {{ payment_term_days }} days, quoting "
                "the structured communication shown on the invoice.",
                "small": "Any change to the job must be agreed in writing before the first work day.",
            },
        ),
    },
    sample=sample,
    key_text={
        "fr": "Convention de prestation C-000042",
        "nl": "Overeenkomst van dienstverlening C-000042",
        "de": "Dienstleistungsvereinbarung C-000042",
        "en": "Service agreement C-000042",
    },
)
