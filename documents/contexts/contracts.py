"""Contexts of the contract documents: client agreement, employment contract (invoice: invoices.py)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from documents.contexts import Addressee, TemplateContext


class Job(BaseModel):
    """The work as agreed: the same in the three documents."""

    reference: str
    function: str
    description: str
    risks: str
    days: list[date]
    days_count: int
    first_day: date
    last_day: date
    place: str
    city: str = ""  # the place of work as the reader's language names it (see PLACE below)
    country: str = "BE"


class ClientAgreement(TemplateContext):
    client: Addressee
    client_enterprise_number: str
    member_name: str
    job: Job
    net_cents: int
    vat_label: str
    vat_cents: int
    total_cents: int
    vat_mention: str
    payment_term_days: int


class EmploymentContract(TemplateContext):
    member: Addressee
    member_number: str
    office: str
    client_name: str
    job: Job
    net_cents: int
    fee_cents: int
    fee_rate: str
    budget_cents: int
    gross_cents: int
    a1_required: bool
    dimona_in_by: date
    hours_per_day: int = 8
    weekly_hours_full_time: int = 38
    joint_committee: str = "200"  # number of the joint committee (CP/PC)
    joint_committee_name: str = ""  # its name in the contract's language


# The place of work in a template: the city, and the country's name in the reader's language
# only when it is abroad ("Gent"; "Lille, France"; "Rijsel, Frankrijk" reads the Dutch one).
PLACE = (
    "{% if job.city %}{{ job.city }}{% if job.country|upper != 'BE' %}, "
    "{{ job.country|country }}{% endif %}{% else %}{{ job.place }}{% endif %}"
)
