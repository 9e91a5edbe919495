"""The keys of an assembly's ballots: the secret keys their codes are derived and hashed with,
and the archive keys of the ballot and of the documents every voter receives.

Ballot codes are derived (governance.assembly.rules.assembly): only their HMAC is stored.
"""

from __future__ import annotations

from governance.assembly.rules import assembly as rules
from governance.config import Settings
from governance.db.keys import key_material


def ballot_code_key(settings: Settings) -> bytes:
    """The key ballot codes are derived with (never leaves the server)."""
    return rules.derive_key(key_material(settings).ballot_secret, "ballot-code")


def ballot_hash_key(settings: Settings) -> bytes:
    """The key of `ballot_code_hash`: the voting page hashes a typed code with it."""
    return rules.derive_key(key_material(settings).ballot_secret, "ballot-hash")


def ballot_codes(settings: Settings, assembly_id: int, member_ids: list[int]) -> dict[int, str]:
    """The (canonical) ballot codes of these voters, for their documents only."""
    key = ballot_code_key(settings)
    return {m: rules.derive_ballot_code(key, assembly_id, m) for m in member_ids}


def ballot_document_key(assembly_id: int, member_id: int) -> str:
    """The archive key of one voter's ballot."""
    return f"doc:assembly:{assembly_id}:ballot:{member_id}"


def shared_document_key(assembly_id: int, template: str, language: str) -> str:
    """The archive key of a document every voter of one language receives (convocation, proxy)."""
    return f"doc:assembly:{assembly_id}:{template}:{language}"
