"""The fixed-term employment contract of the member (in the office's language)."""

from documents.authoring import Block, TemplateSource
from documents.contexts.contracts import EmploymentContract
from documents.template_sources.client_agreement import (
    SAMPLE_TODAY,
    sample_coop,
    sample_job,
    sample_member,
)


def sample(language: str) -> EmploymentContract:
    return EmploymentContract(
        language=language,
        coop=sample_coop(),
        today=SAMPLE_TODAY,
        member=sample_member(),
        member_number="M0000042",
        office="Gent",
        client_name="Studio Van Dyck & Zonen",
        job=sample_job(),
        net_cents=150000,
        fee_cents=9750,
        fee_rate="6,5 %",
        budget_cents=140250,
        gross_cents=110433,
        a1_required=True,
        dimona_in_by=SAMPLE_TODAY,
    )


_DAYS = "{% for d in job.days %}{{ d|date }}{% if not loop.last %}, {% endif %}{% endfor %}"


def _blocks(t: dict[str, str]) -> list[Block]:
    return [
        Block("p", "{{ member.name }}{% if member_number %} ({{ member_number }}){% endif %}"),
        Block(
            "p",
            "{{ member.street }}, {{ member.postcode }} {{ member.city }} ({{ member.country }})",
        ),
        Block("p", t["date"]),
        Block("title", t["title"]),
        Block("p", t["parties"]),
        Block("heading", t["job_h"]),
        Block("p", "{{ job.function }} — {{ job.description }}"),
        Block("p", t["when"] + " " + _DAYS + " ({{ job.days_count }}) — {{ job.place }}"),
        Block("p", t["risks"] + " {% if job.risks %}{{ job.risks }}{% else %}—{% endif %}"),
        Block("heading", t["pay_h"]),
        Block("p", t["net"] + ": {{ net_cents|money }}"),
        Block("p", t["fee"] + " ({{ fee_rate }}): {{ fee_cents|money }}"),
        Block("p", t["budget"] + ": {{ budget_cents|money }}"),
        Block("p", t["gross"] + ": {{ gross_cents|money }}"),
        Block("p", t["dimona"]),
        Block("p", "{% if a1_required %}" + t["a1"] + "{% endif %}"),
        Block("small", t["small"]),
    ]


SOURCE = TemplateSource(
    name="employment_contract",
    blocks={
        "fr": _blocks(
            {
                "date": "{{ office }}, le {{ today|date }}",
                "title": "Contrat de travail à durée déterminée {{ job.reference }}",
                "parties": "{{ coop.name }} (l'employeur) engage {{ member.name }} (le travailleur) "
                "pour la prestation convenue avec {{ client_name }}.",
                "job_h": "La fonction",
                "when": "Jours de travail :",
                "risks": "Risques :",
                "pay_h": "La rémunération",
                "net": "Montant facturé HTVA",
                "fee": "Frais de fonctionnement de la coopérative",
                "budget": "Budget salarial",
                "gross": "Salaire brut estimé",
                "dimona": "La déclaration Dimona est faite au plus tard le {{ dimona_in_by|date }}, "
                "avant le début du travail.",
                "a1": "Travail à l'étranger : un certificat de détachement A1 est demandé avant le départ.",
                "small": "Le salaire est payé dans les 7 jours ouvrables, même si le client n'a pas "
                "encore payé (fonds de garantie).",
            }
        ),
        "nl": _blocks(
            {
                "date": "{{ office }}, {{ today|date }}",
                "title": "Arbeidsovereenkomst voor bepaalde tijd {{ job.reference }}",
                "parties": "{{ coop.name }} (de werkgever) neemt {{ member.name }} (de werknemer) in "
                "dienst voor de opdracht overeengekomen met {{ client_name }}.",
                "job_h": "De functie",
                "when": "Werkdagen:",
                "risks": "Risico's:",
                "pay_h": "Het loon",
                "net": "Gefactureerd bedrag excl. btw",
                "fee": "Werkingskosten van de coöperatie",
                "budget": "Loonbudget",
                "gross": "Geraamd brutoloon",
                "dimona": "De Dimona-aangifte gebeurt uiterlijk op {{ dimona_in_by|date }}, vóór het "
                "begin van het werk.",
                "a1": "Werk in het buitenland: een A1-detacheringsattest wordt vóór vertrek aangevraagd.",
                "small": "Het loon wordt binnen 7 werkdagen betaald, ook als de klant nog niet betaald "
                "heeft (waarborgfonds).",
            }
        ),
        "de": _blocks(
            {
                "date": "{{ office }}, den {{ today|date }}",
                "title": "Befristeter Arbeitsvertrag {{ job.reference }}",
                "parties": "{{ coop.name }} (der Arbeitgeber) stellt {{ member.name }} (den "
                "Arbeitnehmer) für den mit {{ client_name }} vereinbarten Auftrag ein.",
                "job_h": "Die Funktion",
                "when": "Arbeitstage:",
                "risks": "Risiken:",
                "pay_h": "Die Vergütung",
                "net": "Fakturierter Betrag ohne MwSt.",
                "fee": "Betriebskosten der Genossenschaft",
                "budget": "Lohnbudget",
                "gross": "Geschätzter Bruttolohn",
                "dimona": "Die Dimona-Meldung erfolgt spätestens am {{ dimona_in_by|date }}, vor "
                "Arbeitsbeginn.",
                "a1": "Arbeit im Ausland: eine A1-Entsendebescheinigung wird vor der Abreise beantragt.",
                "small": "Der Lohn wird innerhalb von 7 Werktagen gezahlt, auch wenn der Kunde noch "
                "nicht bezahlt hat (Garantiefonds).",
            }
        ),
        "en": _blocks(
            {
                "date": "{{ office }}, {{ today|date }}",
                "title": "Fixed-term employment contract {{ job.reference }}",
                "parties": "{{ coop.name }} (the employer) employs {{ member.name }} (the worker) for "
                "the job agreed with {{ client_name }}.",
                "job_h": "The function",
                "when": "Work days:",
                "risks": "Risks:",
                "pay_h": "Pay",
                "net": "Amount invoiced excl. VAT",
                "fee": "Cooperative's operating fee",
                "budget": "Salary budget",
                "gross": "Estimated gross salary",
                "dimona": "The Dimona declaration is filed on {{ dimona_in_by|date }} at the latest, "
                "before work starts.",
                "a1": "Work abroad: an A1 posting certificate is requested before departure.",
                "small": "The salary is paid within 7 working days, even if the client has not paid "
                "yet (guarantee fund).",
            }
        ),
    },
    sample=sample,
    key_text={
        "fr": "Contrat de travail à durée déterminée C-000042",
        "nl": "Arbeidsovereenkomst voor bepaalde tijd C-000042",
        "de": "Befristeter Arbeitsvertrag C-000042",
        "en": "Fixed-term employment contract C-000042",
    },
)
