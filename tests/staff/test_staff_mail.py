"""The lock report reads right in every language."""

from __future__ import annotations

import pytest

from documents.email import render_email
from governance.kernel.rules.enums import Language


@pytest.mark.parametrize("language", list(Language))
def test_the_lock_report_names_the_login_the_count_and_the_end(language: Language) -> None:
    mail = render_email("staff_locked", language, {
        "login": "anna.peeters", "name": "Anna <Peeters>", "failures": 5,
        "until": "2026-12-02 10:15 UTC"})
    assert "anna.peeters" in mail.subject and "5" in mail.subject
    assert "Anna <Peeters>" in mail.text and "2026-12-02 10:15 UTC" in mail.text
    assert "coop staff enrol anna.peeters" in mail.text
