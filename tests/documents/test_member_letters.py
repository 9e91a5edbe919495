"""What the share, register, assembly and transition papers tell a member, language by language:
the rules that proofreading alone cannot see (who may hold a proxy, how a paper vote stays
secret, which date a certificate carries, how a company is greeted)."""

from __future__ import annotations

import pytest
from test_proofread_all import text_of

from documents import email_samples, labels
from documents.assembly_docs import PROXY_RULE
from documents.authoring import all_sources
from documents.email import render_email
from documents.render import LANGUAGES, render_docx
from governance.statutes import get_statutes

SOURCES = {source.name: source for source in all_sources()}


def _text(name: str, language: str, **changes: object) -> str:
    sample = SOURCES[name].sample
    assert sample is not None
    context = sample(language)
    if changes:
        context = context.model_copy(update=changes)
    return text_of(render_docx(name, language, context))


def test_the_french_proxy_form_says_the_holder_must_be_a_member_when_the_statutes_say_so() -> None:
    from documents.template_sources.assembly_proxy import sample

    required = sample("fr").model_copy(update={"proxy_rule": PROXY_RULE[True]["fr"]})
    text = text_of(render_docx("assembly_proxy", "fr", required))
    assert "Le mandataire doit être lui-même membre de la coopérative" in text
    free = text_of(render_docx("assembly_proxy", "fr", sample("fr")))
    assert "ne doit pas être" not in free  # "need not", never "must not"
    assert "ou une autre personne de votre choix" in free


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_ballot_names_the_member_number_and_explains_the_double_envelope(
    language: str,
) -> None:
    text = _text("assembly_ballot", language)
    number = {"fr": "Numéro de membre : M0000042", "nl": "Lidnummer: M0000042",
              "de": "Mitgliedsnummer: M0000042", "en": "Member number: M0000042"}  # fmt: skip
    assert number[language] in text
    envelope = {"fr": "double enveloppe", "nl": "dubbele envelop",
                "de": "doppelter Umschlag", "en": "double envelope"}  # fmt: skip
    assert envelope[language] in text
    assert "Rue Coenraets 72, 1060 Saint-Gilles" in text  # where the envelope goes
    closes = SOURCES["assembly_ballot"].sample(language).meeting.voting_closes  # type: ignore[misc]
    assert closes in text  # by when
    # the paper part carries the code for the count, never a signature line or the name
    paper = text.split("✂")[1]
    assert "7K3M-Q9TD-ABCD-EFGH-JKMN-PQRS-TVWX" in paper
    assert "Zoë D'Hondt" not in paper and "......" not in paper
    assert "signé" not in text and "ondertekende stembiljet" not in text
    assert "return this ballot signed" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_convocation_gives_the_online_link_and_a_window_the_letter_date_can_keep(
    language: str,
) -> None:
    sample = SOURCES["assembly_convocation"].sample
    assert sample is not None
    context = sample(language)
    text = text_of(render_docx("assembly_convocation", language, context))
    assert "https://visio.smart.coop/ag-2027" in text
    assert context.meeting.voting_opens in text
    assert labels.assembly_name("ordinary", 2027, language) in text
    already_open = context.meeting.model_copy(update={"voting_opens": "", "online_link": ""})
    text = text_of(
        render_docx(
            "assembly_convocation", language, context.model_copy(update={"meeting": already_open})
        )
    )
    assert "visio" not in text
    now = {"fr": "dès maintenant et jusqu'au", "nl": "vanaf nu tot", "de": "ab sofort bis zum",
           "en": "from now until"}  # fmt: skip
    assert now[language] in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_certificate_carries_the_register_entry_date_not_the_issue_day(language: str) -> None:
    text = _text("share_certificate", language)
    entry_day = {"fr": "1er décembre 2026", "nl": "1 december 2026", "de": "1. Dezember 2026",
                 "en": "1 December 2026"}  # fmt: skip
    issue_day = {"fr": "27 novembre 2026", "nl": "27 november 2026", "de": "27. November 2026",
                 "en": "27 November 2026"}  # fmt: skip
    assert entry_day[language] in text and issue_day[language] not in text
    assert "M0000042" in text
    no_number = _text("share_certificate", language, member_number="")
    assert "()" not in no_number and "M0000042" not in no_number


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_register_extract_reads_the_statutes_in_the_members_language(language: str) -> None:
    text = _text("register_extract", language)
    statutes = get_statutes()
    assert statutes.share_class("A").label_in(language) in text
    assert statutes.transfer_rule[language] in text
    assert labels.voting_rule("per_member", None, language) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_company_is_greeted_formally_and_a_person_by_name(language: str) -> None:
    person = render_email(
        "share_certificate", language, email_samples.sample("share_certificate", language)
    )
    assert person.text.startswith({"fr": "Bonjour Amélie Lefèvre,", "nl": "Beste Amélie Lefèvre,",
                                   "de": "Guten Tag Amélie Lefèvre,",
                                   "en": "Dear Amélie Lefèvre,"}[language])  # fmt: skip
    context = email_samples.sample(
        "share_certificate", language, name="Klang & Bühne GmbH", company=True
    )
    company = render_email("share_certificate", language, context)
    assert company.text.startswith({"fr": "Madame, Monsieur,", "nl": "Geachte heer, mevrouw,",
                                    "de": "Sehr geehrte Damen und Herren,",
                                    "en": "Dear Sir or Madam,"}[language])  # fmt: skip
    assert "Klang & Bühne GmbH" not in company.text.splitlines()[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_restriction_email_says_what_to_pay_while_the_subscription_is_open(
    language: str,
) -> None:
    context = email_samples.sample("transition_restricted", language)
    open_sub = render_email("transition_restricted", language, context).text
    assert "+++090/9337/55493+++" in open_sub and "BE71 0961 2345 6769" in open_sub
    for key in ("amount_cents", "iban", "bic", "communication"):
        context.pop(key, None)
    closed = render_email("transition_restricted", language, context).text
    assert "+++" not in closed and "backoffice@smart.coop" in closed


def test_the_statutes_refuse_a_share_class_label_missing_a_language(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from governance.statutes import DEFAULT_STATUTES, InvalidStatutes, load_statutes

    text = DEFAULT_STATUTES.read_text(encoding="utf-8").replace(
        ', de = "Nutzerinnen und Nutzer der Dienste"', ""
    )
    broken = tmp_path / "statutes.toml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidStatutes, match="missing: de"):
        load_statutes(broken)


MINE = (
    "assembly_ballot", "assembly_convocation", "assembly_minutes", "assembly_proxy",
    "membership_summary", "register_extract", "share_certificate", "transition_board_report",
    "transition_invitation",
)  # fmt: skip


@pytest.mark.pdf
def test_the_member_papers_become_pdf_in_every_language(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """What members receive is the PDF: every one of these papers converts, in every language
    (one LibreOffice batch)."""
    from documents import pdf

    if not pdf.available():
        pytest.skip("LibreOffice is not installed")
    sources = []
    for name in MINE:
        sample = SOURCES[name].sample
        assert sample is not None
        for language in LANGUAGES:
            path = tmp_path / f"{name}.{language}.docx"
            path.write_bytes(render_docx(name, language, sample(language)))
            sources.append(path)
    converted = pdf.convert(sources, tmp_path / "pdf")
    for source in sources:
        data = converted[source].read_bytes()
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:], source.name
