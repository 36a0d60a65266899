"""Image references as the OCI / Docker reference grammar defines them (distribution/reference).

    reference := name [ ":" tag ] [ "@" digest ]
    name      := [ domain "/" ] path-component ( "/" path-component )*
    domain    := host [ ":" port ]        (a DNS name, an IPv4 address or [IPv6])
    tag       := [\\w][\\w.-]{0,127}
    digest    := algorithm ":" hex{32,}

The lengths are the grammar's own: a name of at most 255 characters, a tag of at most 128.
A whole reference is refused above MAX_LENGTH before any pattern runs, so a 100,000-character
string costs nothing to turn down; no valid reference comes near it (255 + 1 + 128 + a sha512
digest is under 600).
"""

from __future__ import annotations

import re

MAX_LENGTH = 1024
NAME_MAX = 255
_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[_.]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9a-fA-F:.]+\])"
_DOMAIN = rf"{_HOST}(?::[0-9]+)?"
_NAME = re.compile(rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*", re.ASCII)
_TAG = re.compile(r"[\w][\w.-]{0,127}", re.ASCII)
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}",
                     re.ASCII)


class BadImage(ValueError):
    """Why a string is not an image reference, in words a person can act on."""


def _split(reference: str) -> tuple[str, str | None, str | None]:
    """(name, tag, digest): the digest after the first '@', the tag after the last ':' that
    follows the last '/' (a ':' before it is a registry port)."""
    name, _, digest = reference.partition("@")
    slash, colon = name.rfind("/"), name.rfind(":")
    if colon > slash:
        return name[:colon], name[colon + 1:], digest if "@" in reference else None
    return name, None, digest if "@" in reference else None


def check_image(value: object) -> str:
    """The reference itself, or BadImage naming the first problem."""
    if not isinstance(value, str) or not value:
        raise BadImage("an image reference must be a non-empty string")
    if len(value) > MAX_LENGTH:
        raise BadImage(f"an image reference is at most {MAX_LENGTH} characters, "
                       f"not {len(value)}")
    bad = next((c for c in value if not c.isascii() or not c.isprintable() or c.isspace()),
               None)
    if bad is not None:
        raise BadImage(f"an image reference cannot contain {bad!r} (U+{ord(bad):04X}): only "
                       "printable ASCII without spaces")
    name, tag, digest = _split(value)
    if not name or len(name) > NAME_MAX:
        raise BadImage(f"the repository name must be 1 to {NAME_MAX} characters")
    if not _NAME.fullmatch(name):
        raise BadImage(f"{name!r} is not a repository name: lowercase path components "
                       "(letters, digits, '.', '_', '-') separated by '/', optionally after a "
                       "registry host[:port]")
    if tag is not None and not _TAG.fullmatch(tag):
        raise BadImage(f"{tag!r} is not a tag: 1 to 128 of letters, digits, '_', '.', '-', "
                       "not starting with '.' or '-'")
    if digest is not None and not _DIGEST.fullmatch(digest):
        raise BadImage(f"{digest!r} is not a digest: algorithm:hex, e.g. sha256:<64 hex digits>")
    return value
