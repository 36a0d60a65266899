"""`manage.py access …`: local accounts, grants and API tokens (see rollouts/access/cli.py)."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from rollouts.access import cli, tokens
from rollouts.access.policy import check_name
from rollouts.access.store import current_policy, file_policy_error
from rollouts.models import AccessGrant, ApiToken


class Command(BaseCommand):
    help = "Manage who may see and act on rollouts: accounts, grants and API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["command"]
        sub = options.get(f"{command}_command")
        handler = getattr(self, f"_{command}_{sub}" if sub else f"_{command}")
        try:
            handler(options)
        except ValueError as exc:
            raise CommandError(str(exc)) from None

    # --- accounts ----------------------------------------------------------------------------

    def _user_add(self, options: dict[str, Any]) -> None:
        name = check_name("user", options["name"])
        users = get_user_model()
        if users.objects.filter(username=name).exists():
            raise CommandError(f"user {name!r} exists already")
        user = users(username=name, email=options["email"])
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise CommandError("password refused: " + " ".join(exc.messages)) from None
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        how = "with a password" if options["password_stdin"] else "for SSO or proxy sign-in only"
        self.stdout.write(f"user {name} added ({how})")

    def _user_remove(self, options: dict[str, Any]) -> None:
        name = options["name"]
        with transaction.atomic():
            deleted, _ = get_user_model().objects.filter(username=name).delete()
            grants, _ = AccessGrant.objects.filter(subject_kind="user", subject=name).delete()
        if not deleted:
            raise CommandError(f"no user {name!r}")
        self.stdout.write(f"user {name} removed, with {grants} grant(s)")

    # --- grants ------------------------------------------------------------------------------

    def _grant(self, options: dict[str, Any]) -> None:
        role = options["role"]
        if role not in current_policy().roles:
            raise CommandError(f"unknown role {role!r}; roles: "
                               f"{', '.join(sorted(current_policy().roles))}")
        kind, subject = cli.grant_subject(options)
        cluster, namespaces = cli.scope(options)
        for namespace in namespaces:
            AccessGrant.objects.get_or_create(
                role=role, subject_kind=kind, subject=subject, cluster=cluster,
                namespace=namespace,
                defaults={"created_at": timezone.now(), "created_by": getpass.getuser()})
            self.stdout.write(f"granted {role} to {kind} {subject} in {cluster}/{namespace}")

    def _revoke(self, options: dict[str, Any]) -> None:
        kind, subject = cli.grant_subject(options)
        cluster, namespaces = cli.scope(options)
        deleted, _ = AccessGrant.objects.filter(
            role=options["role"], subject_kind=kind, subject=subject, cluster=cluster,
            namespace__in=namespaces).delete()
        if not deleted:
            raise CommandError(f"no such grant of {options['role']} to {kind} {subject} "
                               f"in {cluster}/{','.join(namespaces)}")
        self.stdout.write(f"revoked {deleted} grant(s)")

    def _list(self, options: dict[str, Any]) -> None:
        error = file_policy_error()
        if error:
            self.stderr.write(f"warning: {error}")
        rows = [(g.subject_kind + ":" + g.subject, g.role, f"{g.cluster}/{g.namespace}",
                 g.source) for g in current_policy().grants]
        self._table(("SUBJECT", "ROLE", "SCOPE", "SOURCE"), rows)

    # --- tokens ------------------------------------------------------------------------------

    def _token_create(self, options: dict[str, Any]) -> None:
        name, role = check_name("token", options["name"]), options["role"]
        if role not in current_policy().roles:
            raise CommandError(f"unknown role {role!r}")
        if ApiToken.objects.filter(name=name).exists():
            raise CommandError(f"token {name!r} exists already; revoke it first")
        cluster, namespaces = cli.scope(options)
        expires = tokens.parse_expiry(options["expires"]) if options["expires"] else None
        row, secret = tokens.create_token(name, role, namespaces, cluster, expires,
                                          created_by=getpass.getuser())
        until = f"until {row.expires_at:%Y-%m-%d %H:%M} UTC" if row.expires_at else "no expiry"
        self.stderr.write(f"token {name}: {role} in {cluster}/{','.join(namespaces)}, {until}. "
                          "It is shown once; keep it now:")
        self.stdout.write(secret)

    def _token_revoke(self, options: dict[str, Any]) -> None:
        deleted, _ = ApiToken.objects.filter(name=options["name"]).delete()
        if not deleted:
            raise CommandError(f"no token {options['name']!r}")
        self.stdout.write(f"token {options['name']} revoked")

    def _token_list(self, options: dict[str, Any]) -> None:
        rows = [(t.name, t.role, f"{t.cluster}/{','.join(t.namespaces or ['*'])}",
                 f"{t.expires_at:%Y-%m-%d %H:%M}" if t.expires_at else "never",
                 f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never")
                for t in ApiToken.objects.order_by("name")]
        self._table(("NAME", "ROLE", "SCOPE", "EXPIRES", "LAST USED"), rows)

    def _table(self, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=False)]
        for row in (header, *rows):
            self.stdout.write("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
                              .rstrip())
