"""`manage.py access …`: users, grants and API tokens from the command line.

The names are fixed (operators script them):
  access user add NAME [--email E] [--password-stdin] | access user remove NAME
  access grant ROLE (--user NAME | --group NAME) [--namespace NS]... [--cluster C]
  access revoke  (the same arguments) | access list
  access token create NAME --role ROLE [--namespace NS]... [--cluster C] [--expires 30d]
  access token revoke NAME | access token list
"""

from __future__ import annotations

import argparse
from typing import Any

from rollouts.access.policy import check_glob, check_name


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True)
    user = commands.add_parser("user", help="add or remove a local account")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="create a local account")
    add.add_argument("name")
    add.add_argument("--email", default="")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from standard input (otherwise the account can "
                          "only sign in through SSO or the trusted proxy)")
    remove = user_commands.add_parser("remove", help="delete a local account and its grants")
    remove.add_argument("name")
    for verb in ("grant", "revoke"):
        _grant_arguments(commands.add_parser(verb, help=f"{verb} a role in a scope"))
    commands.add_parser("list", help="every grant: database and policy file")
    token = commands.add_parser("token", help="API tokens for automation")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="create a token and print it once")
    create.add_argument("name")
    create.add_argument("--role", required=True)
    _scope_arguments(create)
    create.add_argument("--expires", default="", help="e.g. 12h, 30d, 8w (default: never)")
    token_commands.add_parser("revoke", help="revoke a token").add_argument("name")
    token_commands.add_parser("list", help="tokens, without their secrets")


def _scope_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--namespace", action="append", default=[], metavar="NS",
                        help="a namespace or glob (repeatable; default: every namespace)")
    parser.add_argument("--cluster", default="*", help="a cluster name or glob (default: *)")


def _grant_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("role")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--user")
    who.add_argument("--group")
    _scope_arguments(parser)


def grant_subject(options: dict[str, Any]) -> tuple[str, str]:
    kind = "user" if options.get("user") else "group"
    return kind, check_name(kind, str(options.get(kind)))


def scope(options: dict[str, Any]) -> tuple[str, list[str]]:
    cluster = check_glob("cluster", str(options.get("cluster") or "*"))
    namespaces = [check_glob("namespace", ns) for ns in options.get("namespace") or []]
    return cluster, namespaces or ["*"]
