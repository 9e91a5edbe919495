"""The letter form every template shares: letterhead, legal footer, recipient block in the
window-envelope position, place and date, reference line and signature, per language.

Texts are Jinja over the template's context; `coop` is `documents.contexts.Coop`."""

from __future__ import annotations

import re

from documents.authoring import Block

# Header (top right): who writes. Footer: the mentions of CSA art. 2:20 and the VAT number.
LETTERHEAD = "{{ coop.name }}\n{{ coop.address }}"

_FOOTER = {
    "fr": "{{ coop.name }}, {{ coop.legal_form.fr }} · Siège : {{ coop.address }} · "
    "Numéro d'entreprise {{ coop.enterprise_number_display }} · RPM {{ coop.court.fr }} · "
    "TVA {{ coop.vat_number }}",
    "nl": "{{ coop.name }}, {{ coop.legal_form.nl }} · Zetel: {{ coop.address }} · "
    "Ondernemingsnummer {{ coop.enterprise_number_display }} · RPR {{ coop.court.nl }} · "
    "btw {{ coop.vat_number }}",
    "de": "{{ coop.name }}, {{ coop.legal_form.de }} · Sitz: {{ coop.address }} · "
    "Unternehmensnummer {{ coop.enterprise_number_display }} · RJP {{ coop.court.de }} · "
    "MwSt.-Nr. {{ coop.vat_number }}",
    "en": "{{ coop.name }}, {{ coop.legal_form.en }} · Registered office: {{ coop.address }} · "
    "Enterprise number {{ coop.enterprise_number_display }} · RLE {{ coop.court.en }} · "
    "VAT {{ coop.vat_number }}",
}
_CONTACT = (
    "{% if coop.website or coop.email %}\n{{ coop.website }}"
    "{% if coop.website and coop.email %} · {% endif %}{{ coop.email }}{% endif %}"
)


def footer(language: str) -> str:
    """The legal mentions at the foot of every page."""
    return _FOOTER[language] + _CONTACT


def recipient(who: str) -> Block:
    """The addressee in the envelope window: name, street, postcode and city; the country only
    when the address is abroad."""
    return Block(
        "address",
        f"{{{{ {who}.name }}}}{{% if {who}.street %}}\n{{{{ {who}.street }}}}{{% endif %}}"
        f"{{% if {who}.city %}}\n{{{{ {who}.postcode }}}} {{{{ {who}.city }}}}{{% endif %}}"
        f"{{% if {who}.country and {who}.country|upper not in ('BE', 'BELGIQUE', 'BELGIË') %}}"
        f"\n{{{{ {who}.country|country }}}}{{% endif %}}",
    )


_PLACE = {
    "fr": "{{ coop.place.fr }}, le {{ today|date }}",
    "nl": "{{ coop.place.nl }}, {{ today|date }}",
    "de": "{{ coop.place.de }}, den {{ today|date }}",
    "en": "{{ coop.place.en }}, {{ today|date }}",
}


def place_and_date(language: str) -> Block:
    """'Bruxelles, le 1er décembre 2026': the city, never a street."""
    return Block("place", _PLACE[language])


_REFERENCE = {
    "fr": "Notre référence : ",
    "nl": "Onze referentie: ",
    "de": "Unser Zeichen: ",
    "en": "Our reference: ",
}


def reference(language: str, expression: str) -> Block:
    """The reference line, e.g. reference('fr', '{{ member_number }}')."""
    return Block("ref", _REFERENCE[language] + expression)


_FOR = {
    "fr": "Pour {{ coop.name }},",
    "nl": "Voor {{ coop.name }},",
    "de": "Für {{ coop.name }}",
    "en": "For {{ coop.name }},",
}


def signatory(language: str) -> str:
    """The coop's signatory: name (when set) and title, in the language."""
    return (
        "{% if coop.signatory_name %}{{ coop.signatory_name }}\n{% endif %}"
        f"{{{{ coop.signatory_title.{language} }}}}"
    )


def signature(language: str) -> Block:
    """The closing signature of a letter from the coop."""
    return Block("signature", _FOR[language] + "\n\n\n" + signatory(language))


_PARTY_SIGN = {
    "fr": "Date et signature, précédées de la mention « lu et approuvé » :",
    "nl": "Datum en handtekening, voorafgegaan door „gelezen en goedgekeurd”:",
    "de": "Datum und Unterschrift, mit dem Vermerk „gelesen und genehmigt“:",
    "en": "Date and signature, preceded by “read and approved”:",
}


def signatures(language: str, left: str, right: str) -> Block:
    """Two signature blocks side by side (e.g. employer and worker): each party's heading and
    name, then a space to sign. `left`/`right` are Jinja texts naming the parties."""
    sign = "\n" + _PARTY_SIGN[language] + "\n\n\n\n"
    return Block("signatures", cells=(left + sign, right + sign))


def letter_opening(language: str, who: str, expression: str = "") -> list[Block]:
    """Recipient block, place and date, and (when given) the reference line."""
    blocks = [recipient(who), place_and_date(language)]
    if expression:
        blocks.append(reference(language, expression))
    return blocks


# What every company document must show (CSA art. 2:20), as the footer prints it.
_MANDATORY = {
    "fr": ("société coopérative", "Numéro d'entreprise", "RPM ", "TVA BE "),
    "nl": ("coöperatieve vennootschap", "Ondernemingsnummer", "RPR ", "btw BE "),
    "de": ("Genossenschaft", "Unternehmensnummer", "RJP ", "MwSt.-Nr. BE "),
    "en": ("cooperative company", "Enterprise number", "RLE ", "VAT BE "),
}
_NUMBER = re.compile(r"\b[01]\d{3}\.\d{3}\.\d{3}\b")


def missing_mentions(text: str, language: str) -> list[str]:
    """The legal mentions a rendered document lacks (empty: complete). Checks the sample
    coop's legal form (sc), the labels, and an enterprise number written 0896.755.397."""
    missing = [m.strip() for m in _MANDATORY[language] if m not in text]
    if not _NUMBER.search(text):
        missing.append("enterprise number as 0000.000.000")
    return missing
