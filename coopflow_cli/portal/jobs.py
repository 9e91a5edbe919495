"""Portal pages: my jobs (the declarations and their documents) and declare a job (checked
before it is submitted, then handed to the same contract-approval process staff start)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coopflow_cli.portal import jobs_form
from coopflow_cli.portal.labels import LABELS
from coopflow_cli.portal.processes import ProcessNotStarted
from coopflow_cli.portal.web import SECURITY_HEADERS, PageNotFound, Portal, portal_of
from documents import archive
from documents.contract_reasons import check_reason
from documents.formatting import long_date, money, percent
from governance.contracts.rules import contracts as rules
from governance.contracts.rules.contracts import DeclarationStatus
from governance.contracts.rules.declaration_checks import CheckOutcome, CheckResult, Route, route
from governance.contracts.use_cases import contracts, contracts_portal
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Office
from governance.members.use_cases.portal_access import Person, new_token
from governance.statutes import get_statutes

PROCESS = contracts.PROCESS  # the deployment staff start: contract-approval
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
router = APIRouter()


@dataclass(frozen=True)
class Outcome:
    """The checks as the member reads them: the route and the sentences by outcome."""

    route: Route
    passed: tuple[str, ...]
    review: tuple[str, ...]
    failed: tuple[str, ...]


def _member_id(person: Person) -> int:
    assert person.member_id is not None  # require_member made sure
    return person.member_id


def check_sentence(code: str, outcome: str, lang: str) -> str:
    """One check in the member's language: the refusal reasons are the e-mails' sentences."""
    if outcome == CheckOutcome.FAIL.value:
        reason = check_reason(code, lang)
        return reason[:1].upper() + reason[1:] + "."
    settings = get_statutes().contracts
    return LABELS[lang][f"jobs_check_{outcome}_{code}"].format(
        rate=percent(settings.fee_bp / 100, lang),
        threshold=money(settings.auto_approval_threshold_cents, lang),
        four_eyes=money(settings.four_eyes_threshold_cents, lang),
    )


def outcome_of(results: Sequence[CheckResult], lang: str) -> Outcome:
    def sentences(outcome: CheckOutcome) -> tuple[str, ...]:
        return tuple(
            check_sentence(r.code.value, outcome.value, lang)
            for r in results
            if r.outcome is outcome
        )

    return Outcome(
        route(results),
        sentences(CheckOutcome.PASS),
        sentences(CheckOutcome.REVIEW),
        sentences(CheckOutcome.FAIL),
    )


def _helpers(lang: str) -> dict[str, Any]:
    return {
        "euros": lambda cents: money(cents, lang),
        "day": lambda value: long_date(value, lang),
        "sentence": lambda code, outcome: check_sentence(code, outcome, lang),
    }


# --------------------------------------------------------------------------- my jobs


@router.get("/jobs")
def list_jobs(request: Request) -> Response:
    portal = portal_of(request)
    person = portal.require_member(request)
    lang = portal.language(request)
    with UnitOfWork(portal.settings) as uow:
        jobs = contracts_portal.my_jobs(uow, _member_id(person))
    return portal.page(request, "jobs_list.html", lang=lang, jobs=jobs, **_helpers(lang))


@router.get("/jobs/new")
def new_job(request: Request) -> Response:
    portal = portal_of(request)
    person = portal.require_member(request)
    with UnitOfWork(portal.settings) as uow:
        found = contracts_portal.member_defaults(uow, _member_id(person))
    return _form_page(portal, request, person, jobs_form.defaults(found.office, found.language))


def _form_page(
    portal: Portal,
    request: Request,
    person: Person,
    values: dict[str, str],
    status: int = 200,
    errors: dict[str, str] | None = None,
    outcome: Outcome | None = None,
) -> Response:
    """The declaration form (with the checks' outcome above it once checked)."""
    lang = portal.language(request)
    t = LABELS[lang]
    with UnitOfWork(portal.settings) as uow:
        clients = contracts_portal.known_clients(uow, _member_id(person))
    return portal.page(
        request,
        "jobs_form.html",
        status,
        lang=lang,
        values=values,
        once=values.get("once") or new_token(),
        client_options=[("", t["jobs_known_client_new"])]
        + [(str(c.id), f"{c.name} ({c.city})" if c.city else c.name) for c in clients],
        office_options=[(o.value, t[f"jobs_office_{o.value}"]) for o in Office],
        regime_options=[(r.value, t[f"jobs_vat_{r.value}"]) for r in rules.VatRegime],
        errors={name: t[key] for name, key in (errors or {}).items()},
        labels_of={name: t[f"jobs_{name}"] for name in jobs_form.FIELDS},
        outcome=outcome,
        **_helpers(lang),
    )


def _read(portal: Portal, person: Person, fields: dict[str, str]) -> jobs_form.ParsedJob:
    member_id = _member_id(person)

    def known(client_id: int) -> rules.ClientFacts | None:
        with UnitOfWork(portal.settings) as uow:
            return contracts_portal.known_client(uow, member_id, client_id)

    return jobs_form.parse(fields, member_id, known)


def _kept(fields: dict[str, str]) -> dict[str, str]:
    values = jobs_form.typed(fields)
    values["once"] = fields.get("once", "")[:64]
    return values


@router.post("/jobs/check")
async def check_job(request: Request) -> Response:
    """The checks on the typed declaration, nothing stored; the form kept for a change."""
    portal = portal_of(request)
    person = portal.require_member(request)
    fields = await portal.form(request)
    parsed = _read(portal, person, fields)
    if parsed.declaration is None:
        return _form_page(portal, request, person, _kept(fields), 400, parsed.errors)
    with UnitOfWork(portal.settings) as uow:
        results = contracts_portal.preview_checks(uow, parsed.declaration, portal.clock())
    outcome = outcome_of(results, portal.language(request))
    return _form_page(portal, request, person, _kept(fields), outcome=outcome)


@router.post("/jobs")
async def submit_job(request: Request) -> Response:
    """Submit (once per form: the same key finds the same declaration) and start the process."""
    portal = portal_of(request)
    person = portal.require_member(request)
    fields = await portal.form(request)
    ref = contracts_portal.external_ref_for(portal.request_key(person, fields, "job"))
    member_id = _member_id(person)
    with UnitOfWork(portal.settings) as uow:
        declaration_id = contracts_portal.declaration_by_ref(uow, member_id, ref)
    if declaration_id is None:
        parsed = _read(portal, person, fields)
        if parsed.declaration is None:
            return _form_page(portal, request, person, _kept(fields), 400, parsed.errors)
        with UnitOfWork(portal.settings) as uow:
            results = contracts_portal.preview_checks(uow, parsed.declaration, portal.clock())
        outcome = outcome_of(results, portal.language(request))
        if outcome.route is Route.REFUSE:  # it would only be refused: nothing is stored
            return _form_page(portal, request, person, _kept(fields), 422, outcome=outcome)
        facts = parsed.declaration.model_copy(update={"external_ref": ref})
        actor = Actor.member(person.member_number or str(member_id))
        with UnitOfWork(portal.settings) as uow:
            declaration_id = contracts_portal.submit_job(uow, facts, actor, portal.clock())
    _start(portal, declaration_id, ref)
    return portal.redirect(request, f"/jobs/{declaration_id}")


def _start(portal: Portal, declaration_id: int, ref: str) -> None:
    """contract-approval on the stored declaration, once per key (ProcessNotStarted: the
    app's 'your request is saved' page; the status page starts it again)."""
    portal.starter.start(PROCESS, {"params": {"declaration_id": declaration_id}}, ref)


# --------------------------------------------------------------------------- one job


@router.get("/jobs/{declaration_id}")
def show_job(request: Request, declaration_id: int) -> Response:
    portal = portal_of(request)
    person = portal.require_member(request)
    lang = portal.language(request)
    with UnitOfWork(portal.settings) as uow:
        job = contracts_portal.my_job(uow, _member_id(person), declaration_id)
    if job is None:
        raise PageNotFound()
    not_started = False
    ref = job.external_ref or ""
    if job.summary.status is DeclarationStatus.SUBMITTED and ref.startswith(
        contracts_portal.EXTERNAL_REF_PREFIX
    ):
        try:  # not checked yet: the run may never have started (same key: started once)
            _start(portal, declaration_id, ref)
        except ProcessNotStarted:
            not_started = True
    context: dict[str, Any] = {"job": job, "not_started": not_started}
    return portal.page(request, "jobs_detail.html", lang=lang, **context, **_helpers(lang))


@router.get("/jobs/{declaration_id}/documents/{kind}")
def job_document(request: Request, declaration_id: int, kind: str) -> Response:
    """One of the member's own archived documents (any other: the same 404)."""
    portal = portal_of(request)
    person = portal.require_member(request)
    with UnitOfWork(portal.settings) as uow:
        found = contracts_portal.my_job_document(uow, _member_id(person), declaration_id, kind)
    if found is None:
        raise PageNotFound()
    try:
        data = archive.read_bytes(portal.settings, found.relative_path)
    except archive.ArchiveMissing:
        raise PageNotFound() from None
    name = f"{kind}-{declaration_id}.{found.format.value}"
    headers = {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type=MEDIA_TYPES[found.format.value], headers=headers)
