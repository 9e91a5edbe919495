"""Settings that reach members and still hold their local placeholder.

`coop doctor` lists them; with COOP_ENVIRONMENT=production, member mail and the mass flows
refuse to start while one is left (each names the variable to set)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from governance.config import Environment, KeyRefused, Settings

EXAMPLE_IBAN = "BE71096123456769"  # the example IBAN of the Belgian banks' documentation
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0", ""}  # noqa: S104 - names, not binds

# Set explicitly or still the local default: the coop's identity as printed on every letter.
_IDENTITY = {
    "coop_name": "the cooperative's legal name on every letter and e-mail",
    "coop_address": "the registered office on every letter",
    "coop_enterprise_number": "the enterprise (BCE/KBO) and VAT number on every letter",
    "coop_bic": "the BIC on payment instructions",
    "mail_sender": "the sender of every e-mail (and the domain of the offices' Reply-To)",
    "staff_mailbox": "the address members are told to write to",
}


@dataclass(frozen=True)
class Placeholder:
    variable: str  # the environment variable to set, e.g. COOP_COOP_IBAN
    value: str
    where: str  # what the member would see it on

    def __str__(self) -> str:
        return f"{self.variable}={self.value!r}: {self.where}"


class PlaceholderSettings(KeyRefused):
    """Production must not start member mail or a mass flow with a placeholder setting."""


def _variable(field: str) -> str:
    return f"COOP_{field.upper()}"


def placeholders(settings: Settings) -> list[Placeholder]:
    """Every setting that would reach a member with its local placeholder value."""
    found = []
    iban = "".join(settings.coop_iban.split()).upper()
    if iban == EXAMPLE_IBAN:
        found.append(
            Placeholder(
                "COOP_COOP_IBAN",
                settings.coop_iban,
                "the example IBAN, on every payment instruction and QR code",
            )
        )
    host = urlsplit(settings.ballot_base_url).hostname or ""
    if host in _LOOPBACK or host.startswith("127."):
        found.append(
            Placeholder(
                "COOP_BALLOT_BASE_URL",
                settings.ballot_base_url,
                "a local address, in every ballot's link and QR code",
            )
        )
    host = urlsplit(settings.portal_base_url).hostname or ""
    if host in _LOOPBACK or host.startswith("127."):
        found.append(
            Placeholder(
                "COOP_PORTAL_BASE_URL",
                settings.portal_base_url,
                "a local address, in every sign-in link e-mailed to members",
            )
        )
    for field, where in _IDENTITY.items():
        if field not in settings.model_fields_set:
            found.append(
                Placeholder(
                    _variable(field), str(getattr(settings, field)), f"the local default, {where}"
                )
            )
    if not settings.signatory_name.strip():
        found.append(
            Placeholder(
                "COOP_SIGNATORY_NAME",
                settings.signatory_name,
                "no named signatory: letters are signed by a title only",
            )
        )
    return found


def require_ready(settings: Settings, purpose: str) -> None:
    """In production, refuse `purpose` (e.g. "send member mail") while a placeholder is left;
    elsewhere do nothing (local runs and tests use the placeholders)."""
    if settings.environment is not Environment.PRODUCTION:
        return
    found = placeholders(settings)
    if found:
        listed = "\n".join(f"  - {p}" for p in found)
        raise PlaceholderSettings(
            f"COOP_ENVIRONMENT=production: refusing to {purpose} while these settings hold a "
            f"placeholder; set them (see `coop doctor` and the README):\n{listed}"
        )
