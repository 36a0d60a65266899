"""`manage.py access`: accounts, grants and tokens as operators script them."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from rollouts.access.store import current_policy, permissions_for
from rollouts.access.tokens import find_token, token_permissions
from rollouts.models import AccessGrant, ApiToken

pytestmark = pytest.mark.django_db


def access(*args: str, stdin: str = "") -> str:
    """What the command printed: standard error first, then standard output."""
    out, err = io.StringIO(), io.StringIO()
    saved, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        call_command("access", *args, stdout=out, stderr=err)
    finally:
        sys.stdin = saved
    return err.getvalue() + out.getvalue()


def test_it_adds_a_user_with_a_password_from_stdin() -> None:
    assert "user alice added (with a password)" in access(
        "user", "add", "alice", "--email", "alice@example.com", "--password-stdin",
        stdin="correct horse battery staple\n")
    alice = get_user_model().objects.get(username="alice")
    assert alice.check_password("correct horse battery staple")
    assert alice.email == "alice@example.com"


def test_it_refuses_a_weak_password_and_creates_nothing() -> None:
    with pytest.raises(CommandError, match="password refused"):
        access("user", "add", "bob", "--password-stdin", stdin="password\n")
    assert not get_user_model().objects.filter(username="bob").exists()


def test_a_user_without_a_password_cannot_sign_in_with_one() -> None:
    access("user", "add", "carol")
    assert not get_user_model().objects.get(username="carol").has_usable_password()


def test_grants_are_listed_and_revoking_takes_effect_at_once() -> None:
    access("grant", "operator", "--group", "payments", "--namespace", "payments-*",
           "--namespace", "checkout", "--cluster", "prod")
    assert permissions_for("dave", ["payments"]).can("abort", "prod", "payments-eu")
    listing = access("list")
    assert "group:payments  operator  prod/payments-*  database" in listing
    assert "prod/checkout" in listing
    access("revoke", "operator", "--group", "payments", "--namespace", "payments-*",
           "--cluster", "prod")
    assert not permissions_for("dave", ["payments"]).can("view", "prod", "payments-eu")
    assert permissions_for("dave", ["payments"]).can("abort", "prod", "checkout")


@pytest.mark.parametrize("args", [
    ("grant", "superuser", "--user", "alice"),
    ("grant", "viewer", "--user", "al ice"),
    ("grant", "viewer", "--user", "alice", "--namespace", "../etc"),
    ("revoke", "viewer", "--user", "nobody"),
    ("user", "remove", "nobody"),
    ("token", "create", "ci", "--role", "viewer", "--expires", "forever"),
    ("token", "revoke", "nothing"),
])
def test_bad_arguments_fail_with_a_message_and_change_nothing(args: tuple[str, ...]) -> None:
    with pytest.raises(CommandError):
        access(*args)
    assert not AccessGrant.objects.exists()
    assert not ApiToken.objects.exists()


def test_removing_a_user_removes_their_grants() -> None:
    access("user", "add", "erin")
    access("grant", "admin", "--user", "erin")
    assert "with 1 grant(s)" in access("user", "remove", "erin")
    assert not AccessGrant.objects.exists()


def test_a_token_is_printed_once_stored_as_a_digest_and_scoped(settings: Any) -> None:
    output = access("token", "create", "pipeline", "--role", "operator",
                    "--namespace", "my-demo", "--expires", "30d")
    secret = output.strip().splitlines()[-1]
    assert secret.startswith("rdt_")
    row = ApiToken.objects.get(name="pipeline")
    assert secret not in (row.digest, str(row.namespaces))
    found = find_token(secret)
    assert found is not None and found.name == "pipeline"
    permissions = token_permissions(found, current_policy())
    assert permissions.can("promote", "default", "my-demo")
    assert not permissions.can("view", "default", "payments")
    assert not permissions.can("set-image", "default", "my-demo")
    assert "pipeline  operator  */my-demo" in access("token", "list")
    assert secret not in access("token", "list")
    access("token", "revoke", "pipeline")
    assert find_token(secret) is None


def test_an_expired_or_unknown_token_finds_nothing() -> None:
    from datetime import timedelta

    from django.utils import timezone

    secret = access("token", "create", "old", "--role", "viewer",
                    "--expires", "1m").strip().splitlines()[-1]
    assert find_token(secret, now=timezone.now() + timedelta(minutes=2)) is None
    assert find_token("rdt_" + "x" * 43) is None
    assert find_token("not-a-token") is None
