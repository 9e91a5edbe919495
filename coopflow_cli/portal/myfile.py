"""Portal pages: myfile (to be built)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coopflow_cli.portal.web import portal_of
from governance.services.portal_access import LinkView

router = APIRouter()


def finish_email_change(request: Request, link: LinkView) -> Response:
    """A confirmation link of a new e-mail address was used: make it the member's address."""
    portal = portal_of(request)
    return portal.redirect(request, "/file")
