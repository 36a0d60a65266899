"""Who may do what, where: roles, grants, and the policy file format. Pure: no Django, no I/O.

A role is a set of verbs. A grant gives a role to a user or a group in a scope: a cluster and a
namespace, each a name or a glob (`*`, `payments-*`). A person's permissions are the union of the
grants that name them or one of their groups; there is no deny, as in Kubernetes RBAC.

The policy file (`ROLLOUTS_POLICY_FILE`, a format a ConfigMap can hold) follows Argo CD's CSV:

    # custom roles: p, role:<name>, <verb or role:<other>>
    p, role:release-manager, role:operator
    p, role:release-manager, set-image
    # grants: g, <user:NAME | group:NAME | NAME (a group)>, role:<name>[, <cluster>/<namespace>]
    g, group:payments, role:operator, prod/payments-*
    g, user:alice, role:admin
    g, sre, role:viewer, */*

A scope of just `<namespace>` means that namespace in every cluster; no scope means everywhere.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

VIEW = "view"
OPERATOR_VERBS = ("promote", "promote-full", "abort", "retry", "pause", "resume", "restart")
ADMIN_VERBS = ("rollback", "set-image", "manage-access")
VERBS = (VIEW, *OPERATOR_VERBS, *ADMIN_VERBS)
BUILTIN_ROLES: dict[str, frozenset[str]] = {
    "viewer": frozenset({VIEW}),
    "operator": frozenset({VIEW, *OPERATOR_VERBS}),
    "admin": frozenset(VERBS),
}
SUBJECT_KINDS = ("user", "group")
# The actions service's names for the verbs it carries out.
ACTION_VERBS = {"promote": "promote", "abort": "abort", "retry": "retry", "pause": "pause",
                "restart": "restart", "undo": "rollback", "set_image": "set-image"}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,149}$")
_GLOB = re.compile(r"^[a-z0-9*?][a-z0-9*?.-]{0,252}$")


class PolicyError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Grant:
    role: str
    subject_kind: str  # user or group
    subject: str
    cluster: str = "*"
    namespace: str = "*"
    source: str = "database"  # or "policy file, line N"

    def names(self, user: str, groups: Iterable[str]) -> bool:
        if self.subject_kind == "user":
            return self.subject == user
        return self.subject in set(groups)

    def covers(self, cluster: str, namespace: str) -> bool:
        return (fnmatch.fnmatchcase(cluster, self.cluster)
                and fnmatch.fnmatchcase(namespace, self.namespace))


@dataclass(frozen=True)
class Policy:
    """Custom roles (built-in ones included) and grants, from one source or merged."""

    roles: dict[str, frozenset[str]] = field(default_factory=lambda: dict(BUILTIN_ROLES))
    grants: tuple[Grant, ...] = ()

    def merged(self, other: Policy) -> Policy:
        return Policy({**self.roles, **other.roles}, self.grants + other.grants)

    def verbs_of(self, role: str) -> frozenset[str]:
        return self.roles.get(role, frozenset())


def check_name(kind: str, name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"{kind} name {name!r} must be 1-150 letters, digits or _.@+- "
                         "and start with a letter or digit")
    return name


def check_glob(kind: str, pattern: str) -> str:
    if not _GLOB.match(pattern):
        raise ValueError(f"{kind} {pattern!r} must be a name or a glob of lower-case letters, "
                         "digits, '.', '-', '*' and '?'")
    return pattern


def parse_scope(text: str) -> tuple[str, str]:
    """`cluster/namespace`, `namespace` (every cluster) or empty (everywhere)."""
    text = text.strip()
    if not text:
        return "*", "*"
    cluster, _, namespace = text.rpartition("/")
    return check_glob("cluster", cluster or "*"), check_glob("namespace", namespace)


def parse_subject(text: str) -> tuple[str, str]:
    kind, sep, name = text.partition(":")
    if not sep:
        kind, name = "group", text
    if kind not in SUBJECT_KINDS:
        raise ValueError(f"subject {text!r} must be user:NAME, group:NAME or a group name")
    return kind, check_name(kind, name)


def _role_name(text: str, line: int) -> str:
    if not text.startswith("role:") or not text[5:]:
        raise PolicyError(line, f"expected role:<name>, found {text!r}")
    return check_name("role", text[5:])


def parse_policy(text: str, source: str = "policy file") -> Policy:
    """The roles and grants of a policy file; PolicyError names the first bad line."""
    custom: dict[str, set[str]] = {}
    includes: dict[str, list[tuple[str, int]]] = {}
    grants: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = [f.strip() for f in line.split(",")]
        try:
            if fields[0] == "p" and len(fields) == 3:
                role = _role_name(fields[1], number)
                if role in BUILTIN_ROLES:
                    raise PolicyError(number, f"role:{role} is built in and cannot be changed")
                _add_rule(custom.setdefault(role, set()), includes.setdefault(role, []),
                          fields[2], number)
            elif fields[0] == "g" and len(fields) in (3, 4):
                grants.append((number, fields))
            else:
                raise PolicyError(number, "expected 'p, role:<name>, <verb or role>' or "
                                          "'g, <subject>, role:<name>[, <cluster>/<namespace>]'")
        except PolicyError:
            raise
        except ValueError as exc:
            raise PolicyError(number, str(exc)) from None
    roles = _resolve_roles(custom, includes)
    return Policy(roles, tuple(_grant(fields, number, roles, source)
                               for number, fields in grants))


def _add_rule(verbs: set[str], includes: list[tuple[str, int]], rule: str, line: int) -> None:
    if rule.startswith("role:"):
        includes.append((_role_name(rule, line), line))
    elif rule in VERBS:
        verbs.add(rule)
    else:
        raise PolicyError(line, f"unknown verb {rule!r}; expected one of {', '.join(VERBS)} "
                                "or role:<name>")


def _resolve_roles(custom: dict[str, set[str]],
                   includes: dict[str, list[tuple[str, int]]]) -> dict[str, frozenset[str]]:
    roles = dict(BUILTIN_ROLES)

    def resolve(role: str, seen: tuple[str, ...]) -> frozenset[str]:
        if role in roles:
            return roles[role]
        verbs = set(custom[role])
        for other, line in includes.get(role, []):
            if other in seen:
                raise PolicyError(line, f"role:{role} includes itself through role:{other}")
            if other not in roles and other not in custom:
                raise PolicyError(line, f"role:{other} is not defined")
            verbs |= resolve(other, (*seen, other))
        roles[role] = frozenset(verbs | {VIEW})  # every role sees what it may act on
        return roles[role]

    for role in custom:
        resolve(role, (role,))
    return roles


def _grant(fields: list[str], line: int, roles: dict[str, frozenset[str]],
           source: str) -> Grant:
    try:
        kind, subject = parse_subject(fields[1])
        role = _role_name(fields[2], line)
        cluster, namespace = parse_scope(fields[3] if len(fields) == 4 else "")
    except ValueError as exc:
        raise PolicyError(line, str(exc)) from None
    if role not in roles:
        raise PolicyError(line, f"role:{role} is not defined")
    return Grant(role, kind, subject, cluster, namespace, f"{source}, line {line}")


@dataclass(frozen=True)
class Permissions:
    """One person's grants, resolved against the roles: what they may do in each namespace."""

    user: str
    groups: frozenset[str]
    grants: tuple[tuple[Grant, frozenset[str]], ...]

    @classmethod
    def of(cls, policy: Policy, user: str, groups: Iterable[str]) -> Permissions:
        groups = frozenset(groups)
        mine = tuple((g, policy.verbs_of(g.role)) for g in policy.grants if g.names(user, groups))
        return cls(user, groups, mine)

    def verbs(self, cluster: str, namespace: str) -> frozenset[str]:
        found: set[str] = set()
        for grant, verbs in self.grants:
            if grant.covers(cluster, namespace):
                found |= verbs
        return frozenset(found)

    def can(self, verb: str, cluster: str, namespace: str) -> bool:
        return verb in self.verbs(cluster, namespace)

    def view_scopes(self) -> list[tuple[str, str]]:
        """The (cluster, namespace) globs this person may see: the filter for every list."""
        return sorted({(g.cluster, g.namespace) for g, verbs in self.grants if VIEW in verbs})

    def role_in(self, cluster: str, namespace: str) -> str:
        """A word for the header: the strongest built-in role the verbs amount to, or custom."""
        verbs = self.verbs(cluster, namespace)
        for name in ("admin", "operator", "viewer"):
            if verbs == BUILTIN_ROLES[name]:
                return name
        return "custom" if verbs else "none"
