"""The fixed-term employment contract of the member (in the office's language).

What it states follows the law of 3 July 1978 on employment contracts (a fixed-term contract is
written for each worker at the latest when work starts, art. 9): the parties, the function, the
place of work, the start and end dates, the working hours, the joint committee and the gross
wage; both parties sign."""

from documents.authoring import Block, TemplateSource
from documents.contexts.contracts import PLACE, EmploymentContract
from documents.letter_form import letter_opening, signatory, signatures
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
        joint_committee="200",
        joint_committee_name={
            "fr": "commission paritaire auxiliaire pour employés",
            "nl": "aanvullend paritair comité voor de bedienden",
            "de": "ergänzende paritätische Kommission für Angestellte",
            "en": "supplementary joint committee for white-collar workers",
        }[language],
    )


_DAYS = "{% for d in job.days %}{{ d|date }}{% if not loop.last %}, {% endif %}{% endfor %}"


def _blocks(language: str, t: dict[str, str]) -> list[Block]:
    return [
        *letter_opening(language, "member", "{{ job.reference }} · {{ member_number }}"),
        Block("title", t["title"]),
        Block("heading", t["parties_h"]),
        Block("p", t["employer"]),
        Block("p", t["worker"]),
        Block("p", t["object"]),
        Block("heading", t["job_h"]),
        Block("p", t["function"] + " {{ job.function }} — {{ job.description }}"),
        Block("p", t["place"] + " " + PLACE),
        Block("p", t["risks"] + " {% if job.risks %}{{ job.risks }}{% else %}—{% endif %}"),
        Block("heading", t["time_h"]),
        Block("p", t["term"]),
        Block("p", t["days"] + " " + _DAYS),
        Block("p", t["hours"]),
        Block("heading", t["pay_h"]),
        Block("p", t["gross"] + " {{ gross_cents|money }}"),
        Block("p", t["basis"]),
        Block("p", t["paid"]),
        Block("heading", t["other_h"]),
        Block("p", t["committee"]),
        Block("p", t["dimona"]),
        Block("p", "{% if a1_required %}" + t["a1"] + "{% endif %}"),
        Block("p", t["copies"]),
        signatures(
            language,
            t["for_employer"] + "\n{{ coop.name }}\n" + signatory(language),
            t["for_worker"] + "\n{{ member.name }}",
        ),
    ]


_FR = {
    "title": "Contrat de travail à durée déterminée {{ job.reference }}",
    "parties_h": "Les parties",
    "employer": "L'employeur : {{ coop.name }}, {{ coop.legal_form.fr }}, {{ coop.address }}, "
    "numéro d'entreprise {{ coop.enterprise_number_display }}, représentée par "
    "{% if coop.signatory_name %}{{ coop.signatory_name }} ({{ coop.signatory_title.fr|lower }})"
    "{% else %}son {{ coop.signatory_title.fr|lower }}{% endif %}.",
    "worker": "Le travailleur : {{ member.name }}, {{ member.street }}, {{ member.postcode }} "
    "{{ member.city }}, membre n° {{ member_number }}.",
    "object": "Le présent contrat est conclu conformément à la loi du 3 juillet 1978 relative aux "
    "contrats de travail, pour la prestation convenue avec {{ client_name }}.",
    "job_h": "La fonction et le lieu de travail",
    "function": "Fonction :",
    "place": "Lieu de travail :",
    "risks": "Risques particuliers :",
    "time_h": "La durée et le temps de travail",
    "term": "Le contrat commence le {{ job.first_day|date }} et prend fin de plein droit le "
    "{{ job.last_day|date }}, sans préavis.",
    "days": "Jours de travail :",
    "hours": "Horaire : {{ hours_per_day }} heures par jour de travail, dans le régime de "
    "{{ weekly_hours_full_time }} heures par semaine du règlement de travail.",
    "pay_h": "La rémunération",
    "gross": "Rémunération brute pour l'ensemble des prestations :",
    "basis": "Elle est calculée sur le montant facturé au client, {{ net_cents|money }} HTVA, "
    "diminué des frais de fonctionnement de la coopérative ({{ fee_rate }}, "
    "{{ fee_cents|money }}) et des cotisations patronales.",
    "paid": "Le salaire net est versé dans les 7 jours ouvrables qui suivent la fin des "
    "prestations, même si le client n'a pas encore payé (fonds de garantie).",
    "other_h": "Dispositions diverses",
    "committee": "Commission paritaire : n° {{ joint_committee }}"
    "{% if joint_committee_name %} ({{ joint_committee_name }}){% endif %}.",
    "dimona": "La déclaration Dimona est faite au plus tard le {{ dimona_in_by|date }}, avant le "
    "début du travail.",
    "a1": "Travail à l'étranger : un certificat de détachement A1 est demandé avant le départ.",
    "copies": "Fait en deux exemplaires, chaque partie reconnaissant avoir reçu le sien.",
    "for_employer": "L'employeur",
    "for_worker": "Le travailleur",
}
_NL = {
    "title": "Arbeidsovereenkomst voor bepaalde tijd {{ job.reference }}",
    "parties_h": "De partijen",
    "employer": "De werkgever: {{ coop.name }}, {{ coop.legal_form.nl }}, {{ coop.address }}, "
    "ondernemingsnummer {{ coop.enterprise_number_display }}, vertegenwoordigd door "
    "{% if coop.signatory_name %}{{ coop.signatory_name }} ({{ coop.signatory_title.nl|lower }})"
    "{% else %}haar {{ coop.signatory_title.nl|lower }}{% endif %}.",
    "worker": "De werknemer: {{ member.name }}, {{ member.street }}, {{ member.postcode }} "
    "{{ member.city }}, lidnummer {{ member_number }}.",
    "object": "Deze overeenkomst wordt gesloten overeenkomstig de wet van 3 juli 1978 betreffende "
    "de arbeidsovereenkomsten, voor de opdracht overeengekomen met {{ client_name }}.",
    "job_h": "De functie en de plaats van tewerkstelling",
    "function": "Functie:",
    "place": "Plaats van tewerkstelling:",
    "risks": "Bijzondere risico's:",
    "time_h": "De duur en de arbeidstijd",
    "term": "De overeenkomst begint op {{ job.first_day|date }} en eindigt van rechtswege op "
    "{{ job.last_day|date }}, zonder opzegging.",
    "days": "Werkdagen:",
    "hours": "Uurrooster: {{ hours_per_day }} uur per werkdag, in de regeling van "
    "{{ weekly_hours_full_time }} uur per week van het arbeidsreglement.",
    "pay_h": "Het loon",
    "gross": "Brutoloon voor alle prestaties samen:",
    "basis": "Het wordt berekend op het aan de klant gefactureerde bedrag, {{ net_cents|money }} "
    "excl. btw, verminderd met de werkingskosten van de coöperatie ({{ fee_rate }}, "
    "{{ fee_cents|money }}) en de werkgeversbijdragen.",
    "paid": "Het nettoloon wordt betaald binnen 7 werkdagen na het einde van de prestaties, ook "
    "als de klant nog niet betaald heeft (waarborgfonds).",
    "other_h": "Diverse bepalingen",
    "committee": "Paritair comité: nr. {{ joint_committee }}"
    "{% if joint_committee_name %} ({{ joint_committee_name }}){% endif %}.",
    "dimona": "De Dimona-aangifte gebeurt uiterlijk op {{ dimona_in_by|date }}, vóór het begin "
    "van het werk.",
    "a1": "Werk in het buitenland: een A1-detacheringsattest wordt vóór vertrek aangevraagd.",
    "copies": "Opgemaakt in twee exemplaren; elke partij erkent het hare ontvangen te hebben.",
    "for_employer": "De werkgever",
    "for_worker": "De werknemer",
}
_DE = {
    "title": "Befristeter Arbeitsvertrag {{ job.reference }}",
    "parties_h": "Die Parteien",
    "employer": "Der Arbeitgeber: {{ coop.name }}, {{ coop.legal_form.de }}, {{ coop.address }}, "
    "Unternehmensnummer {{ coop.enterprise_number_display }}, satzungsgemäß vertreten"
    "{% if coop.signatory_name %} durch {{ coop.signatory_name }} ({{ coop.signatory_title.de }})"
    "{% endif %}.",
    "worker": "Der Arbeitnehmer: {{ member.name }}, {{ member.street }}, {{ member.postcode }} "
    "{{ member.city }}, Mitgliedsnummer {{ member_number }}.",
    "object": "Dieser Vertrag wird gemäß dem Gesetz vom 3. Juli 1978 über die Arbeitsverträge "
    "geschlossen, für den mit {{ client_name }} vereinbarten Auftrag.",
    "job_h": "Die Funktion und der Arbeitsort",
    "function": "Funktion:",
    "place": "Arbeitsort:",
    "risks": "Besondere Risiken:",
    "time_h": "Die Dauer und die Arbeitszeit",
    "term": "Der Vertrag beginnt am {{ job.first_day|date }} und endet von Rechts wegen am "
    "{{ job.last_day|date }}, ohne Kündigung.",
    "days": "Arbeitstage:",
    "hours": "Arbeitszeit: {{ hours_per_day }} Stunden pro Arbeitstag, in der Regelung von "
    "{{ weekly_hours_full_time }} Stunden pro Woche der Arbeitsordnung.",
    "pay_h": "Die Vergütung",
    "gross": "Bruttolohn für alle Leistungen zusammen:",
    "basis": "Er wird auf dem dem Kunden fakturierten Betrag, {{ net_cents|money }} ohne MwSt., "
    "berechnet, abzüglich der Betriebskosten der Genossenschaft ({{ fee_rate }}, "
    "{{ fee_cents|money }}) und der Arbeitgeberbeiträge.",
    "paid": "Der Nettolohn wird innerhalb von 7 Werktagen nach dem Ende der Leistungen gezahlt, "
    "auch wenn der Kunde noch nicht bezahlt hat (Garantiefonds).",
    "other_h": "Sonstige Bestimmungen",
    "committee": "Paritätische Kommission: Nr. {{ joint_committee }}"
    "{% if joint_committee_name %} ({{ joint_committee_name }}){% endif %}.",
    "dimona": "Die Dimona-Meldung erfolgt spätestens am {{ dimona_in_by|date }}, vor "
    "Arbeitsbeginn.",
    "a1": "Arbeit im Ausland: eine A1-Entsendebescheinigung wird vor der Abreise beantragt.",
    "copies": "In zwei Exemplaren ausgefertigt; jede Partei bestätigt, das ihre erhalten zu haben.",
    "for_employer": "Der Arbeitgeber",
    "for_worker": "Der Arbeitnehmer",
}
_EN = {
    "title": "Fixed-term employment contract {{ job.reference }}",
    "parties_h": "The parties",
    "employer": "The employer: {{ coop.name }}, {{ coop.legal_form.en }}, {{ coop.address }}, "
    "enterprise number {{ coop.enterprise_number_display }}, represented by "
    "{% if coop.signatory_name %}{{ coop.signatory_name }} ({{ coop.signatory_title.en|lower }})"
    "{% else %}its {{ coop.signatory_title.en|lower }}{% endif %}.",
    "worker": "The worker: {{ member.name }}, {{ member.street }}, {{ member.postcode }} "
    "{{ member.city }}, member number {{ member_number }}.",
    "object": "This contract is made under the Belgian law of 3 July 1978 on employment "
    "contracts, for the job agreed with {{ client_name }}.",
    "job_h": "The function and the place of work",
    "function": "Function:",
    "place": "Place of work:",
    "risks": "Particular risks:",
    "time_h": "Term and working time",
    "term": "The contract starts on {{ job.first_day|date }} and ends by operation of law on "
    "{{ job.last_day|date }}, without notice.",
    "days": "Work days:",
    "hours": "Working hours: {{ hours_per_day }} hours per work day, under the "
    "{{ weekly_hours_full_time }}-hour week of the work rules.",
    "pay_h": "Pay",
    "gross": "Gross wage for all the work:",
    "basis": "It is calculated on the amount invoiced to the client, {{ net_cents|money }} excl. "
    "VAT, less the cooperative's operating fee ({{ fee_rate }}, {{ fee_cents|money }}) and the "
    "employer's social contributions.",
    "paid": "The net wage is paid within 7 working days after the work ends, even if the client "
    "has not paid yet (guarantee fund).",
    "other_h": "Other terms",
    "committee": "Joint committee: no. {{ joint_committee }}"
    "{% if joint_committee_name %} ({{ joint_committee_name }}){% endif %}.",
    "dimona": "The Dimona declaration is filed on {{ dimona_in_by|date }} at the latest, before "
    "work starts.",
    "a1": "Work abroad: an A1 posting certificate is requested before departure.",
    "copies": "Made in two copies; each party acknowledges receipt of its own.",
    "for_employer": "The employer",
    "for_worker": "The worker",
}

SOURCE = TemplateSource(
    name="employment_contract",
    blocks={
        "fr": _blocks("fr", _FR),
        "nl": _blocks("nl", _NL),
        "de": _blocks("de", _DE),
        "en": _blocks("en", _EN),
    },
    sample=sample,
    key_text={
        "fr": "Contrat de travail à durée déterminée C-000042",
        "nl": "Arbeidsovereenkomst voor bepaalde tijd C-000042",
        "de": "Befristeter Arbeitsvertrag C-000042",
        "en": "Fixed-term employment contract C-000042",
    },
)
