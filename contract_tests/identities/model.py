"""Identities and the sharing rules between them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from contractkit.contract.auth import Credentials, LoginFlow
from contractkit.contract.target import Target


class IdentityError(ValueError):
    """An identity is declared twice, or a sharing rule names an unknown identity."""


@dataclass(frozen=True)
class Identity:
    """One caller: its own headers and/or login flow, and whether it sees every caller's data."""

    name: str
    headers: Mapping[str, str] = field(default_factory=dict)
    login: LoginFlow | None = None
    sees_all: bool = False

    def credentials(
        self,
        target: Target,
        common_headers: Mapping[str, str],
        common_login: LoginFlow | None = None,
    ) -> Credentials:
        """Credentials for `target`: the run's common headers, then this identity's."""
        return Credentials(
            target,
            headers={**common_headers, **self.headers},
            login=self.login or common_login,
        )


@dataclass(frozen=True)
class IdentitySet:
    """The identities of a run, the first being the default, and who shares data with whom."""

    identities: tuple[Identity, ...] = ()
    shared: tuple[frozenset[str], ...] = ()

    def __post_init__(self) -> None:
        names = [identity.name for identity in self.identities]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise IdentityError(f"identity declared twice: {', '.join(duplicates)}")
        for group in self.shared:
            unknown = sorted(group - set(names))
            if unknown:
                raise IdentityError(f"`shared` names unknown identities: {', '.join(unknown)}")

    @property
    def default(self) -> Identity | None:
        return self.identities[0] if self.identities else None

    def __bool__(self) -> bool:
        return bool(self.identities)

    def isolated(self, owner: str, other: str) -> bool:
        """Whether `other` must not reach what `owner` created."""
        if owner == other:
            return False
        if self._named(other).sees_all:
            return False
        return not any(owner in group and other in group for group in self.shared)

    def intruders(self) -> list[Identity]:
        """The identities that must not reach what the default identity created."""
        default = self.default
        if default is None:
            return []
        return [item for item in self.identities[1:] if self.isolated(default.name, item.name)]

    def merged(self, later: IdentitySet) -> IdentitySet:
        """These identities and `later`'s (first), one name's headers merged, `later` winning."""
        by_name = {identity.name: identity for identity in self.identities}
        for identity in later.identities:
            earlier = by_name.get(identity.name)
            if earlier is not None:
                identity = Identity(
                    identity.name,
                    {**earlier.headers, **identity.headers},
                    identity.login or earlier.login,
                    identity.sees_all or earlier.sees_all,
                )
            by_name[identity.name] = identity
        order = _ordered([*later.identities, *self.identities])
        return IdentitySet(tuple(by_name[name] for name in order), (*self.shared, *later.shared))

    def _named(self, name: str) -> Identity:
        for identity in self.identities:
            if identity.name == name:
                return identity
        raise IdentityError(f"unknown identity {name!r}")


def _ordered(identities: Iterable[Identity]) -> list[str]:
    seen: list[str] = []
    for identity in identities:
        if identity.name not in seen:
            seen.append(identity.name)
    return seen
