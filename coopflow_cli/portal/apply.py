"""Portal pages: apply for membership, follow the application, answer staff's question.

The application is stored by the same use case staff use, then the same `member-onboarding`
process is started for it (one run per submitted form); an answer to staff's question wakes
the run that waits for it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coopflow_cli.portal.apply_form import (
    CONSENTS,
    LIMITS,
    Draft,
    add_refusals,
    empty_draft,
    read_form,
    to_application,
)
from coopflow_cli.portal.labels import LABELS
from coopflow_cli.portal.processes import ProcessNotStarted
from coopflow_cli.portal.web import PageNotFound, Portal, portal_of
from documents.formatting import money
from governance.db.uow import UnitOfWork
from governance.kernel.rules.errors import NotFound
from governance.members.rules.application_form import InvalidApplication
from governance.members.rules.onboarding import ApplicationStatus
from governance.members.use_cases import onboarding, onboarding_portal, onboarding_review
from governance.members.use_cases.onboarding_portal import AnswerNotValid, ApplicantView, Wake
from governance.members.use_cases.portal_access import Person, new_token

router = APIRouter()
PROCESS = "member-onboarding"
STARTED_BY = "portal"  # the process's "who enters the application": the portal itself


def _latest(portal: Portal, person: Person) -> ApplicantView | None:
    with UnitOfWork(portal.settings) as uow:
        return onboarding_portal.latest_application(uow, person.email)


def _form_page(
    portal: Portal, request: Request, person: Person, draft: Draft, status: int = 200
) -> Response:
    lang = portal.language(request)
    t = LABELS[lang]
    errors = {name: t[key] for name, key in draft.errors.items()}
    return portal.page(
        request,
        "apply_form.html",
        status,
        draft=draft,
        values=draft.values,
        errors=errors,
        labels_of={name: t.get(f"apply_{name}", name) for name in errors},
        nn_typed=bool(draft.national_number),
        email=person.email,
        once=new_token(),
        limits=LIMITS,
        consents=CONSENTS,
        share_classes=[
            (
                c.code,
                t["apply_share_class_option"].format(
                    code=c.code, label=c.label, price=money(c.nominal_value_cents, lang)
                ),
            )
            for c in onboarding_portal.share_choices(lang)
        ],
        previous=_latest(portal, person),
    )


@router.get("/apply")
def apply_form(request: Request) -> Response:
    """The application form; an address whose application is under way sees its status."""
    portal = portal_of(request)
    person = portal.require(request)
    latest = _latest(portal, person)
    if latest is not None and latest.in_progress:
        return portal.redirect(request, "/application")
    if person.member_id is not None:
        return portal.redirect(request, "/me")
    return _form_page(portal, request, person, empty_draft(portal.language(request)))


@router.post("/apply")
async def submit(request: Request) -> Response:
    """Store the application (nothing if refused), then start its process with the form's
    key: a second post of the same form stores and starts nothing new."""
    portal = portal_of(request)
    fields = await portal.form(request)
    person = portal.require(request)
    latest = _latest(portal, person)
    if (latest is not None and latest.in_progress) or person.member_id is not None:
        return portal.redirect(request, "/application" if latest else "/me")
    draft = read_form(fields)
    now = portal.clock()
    form = to_application(draft, person.email, now)
    if form is None:
        return _form_page(portal, request, person, draft, 400)
    key = portal.request_key(person, fields, "apply")
    try:
        with UnitOfWork(portal.settings) as uow:
            stored = onboarding.submit_application(
                uow,
                form,
                actor=onboarding_portal.applicant_actor(person.email),
                request_key=key,
                now=now,
            )
    except InvalidApplication as exc:
        add_refusals(draft, list(exc.errors))
        return _form_page(portal, request, person, draft, 400)
    _start(portal, stored.id, key)
    return portal.redirect(request, "/application")


def _start(portal: Portal, application_id: int, key: str) -> None:
    """The same process staff start, for the stored application (once per key)."""
    parameters = {"params": {"application_id": application_id, "staff": STARTED_BY}}
    portal.starter.start(PROCESS, parameters, key)


def _catch_up(portal: Portal, view: ApplicantView) -> None:
    """What the orchestration server missed when it was away: start the process of a
    received application, wake the run waiting on an answer given. Quietly retried on the
    next visit if the server is still away."""
    try:
        if view.status is ApplicationStatus.SUBMITTED and view.start_key:
            _start(portal, view.id, view.start_key)
        elif view.wake is not None:
            portal.starter.resume(view.wake.run_id, view.wake.run_input)
    except ProcessNotStarted:
        pass


@router.get("/application")
def status(request: Request) -> Response:
    """Where the application stands, in words; staff's question with its answer form."""
    portal = portal_of(request)
    person = portal.require(request)
    view = _latest(portal, person)
    if view is None:
        return portal.redirect(request, "/apply")
    _catch_up(portal, view)
    return _status_page(portal, request, view)


def _status_page(
    portal: Portal,
    request: Request,
    view: ApplicantView,
    status_code: int = 200,
    answer: str = "",
    error: str = "",
) -> Response:
    return portal.page(
        request,
        "apply_status.html",
        status_code,
        application=view,
        answer=answer,
        error=error,
        errors={"answer": error} if error else {},
        labels_of={"answer": LABELS[portal.language(request)]["apply_answer"]},
        answer_max=onboarding_portal.ANSWER_MAX,
    )


@router.post("/application/answer")
async def answer(request: Request) -> Response:
    """The applicant's answer to staff's question: recorded as theirs, then the waiting run
    is woken (it reads the answer recorded)."""
    portal = portal_of(request)
    fields = await portal.form(request)
    person = portal.require(request)
    try:
        application_id = int(fields.get("application", ""))
        round_ = int(fields.get("round", ""))
    except ValueError:
        raise PageNotFound() from None
    text = fields.get("answer", "")
    try:
        with UnitOfWork(portal.settings) as uow:
            mine = {a.id: a for a in onboarding_portal.applications_of(uow, person.email)}
            if application_id not in mine:
                raise PageNotFound()
            if mine[application_id].question_round == round_:
                onboarding_review.open_information_wait(uow, application_id)  # opened if not yet
            done = onboarding_portal.answer_question(
                uow, email=person.email, application_id=application_id, round_=round_, answer=text
            )
    except AnswerNotValid:
        message = LABELS[portal.language(request)]["apply_err_answer"].format(
            min=onboarding_portal.ANSWER_MIN, max=onboarding_portal.ANSWER_MAX
        )
        return _status_page(portal, request, mine[application_id], 400, text, message)
    except NotFound:
        raise PageNotFound() from None
    _wake(portal, done.wake)
    return portal.redirect(request, "/application")


def _wake(portal: Portal, wake: Wake | None) -> None:
    """Resume the suspended run; the server away: the answer is kept, the page says so
    (ProcessNotStarted) and the status page tries again."""
    if wake is not None:
        portal.starter.resume(wake.run_id, wake.run_input)
