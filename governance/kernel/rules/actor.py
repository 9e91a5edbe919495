"""Who acts on a record: a staff member (by login), the system, or the member."""

from __future__ import annotations

from dataclasses import dataclass

from governance.kernel.rules.enums import ActorKind


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff member (by login), the system, or the member."""

    kind: ActorKind
    name: str

    @classmethod
    def system(cls, name: str = "coopflow") -> Actor:
        return cls(ActorKind.SYSTEM, name)

    @classmethod
    def staff(cls, login: str) -> Actor:
        return cls(ActorKind.STAFF, login)

    @classmethod
    def member(cls, who: str) -> Actor:
        """The member (or applicant) acting on their own file, e.g. through the portal."""
        return cls(ActorKind.MEMBER, who)
