"""DATABASE_URL: a PostgreSQL URL becomes a pooled Django database; a bad one stops start-up."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from dashboard.env import env_database_url


def test_an_unset_database_url_leaves_sqlite_in_place(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL_FILE", raising=False)
    assert env_database_url("DATABASE_URL") is None


def test_a_postgres_url_becomes_a_pooled_postgresql_database(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://dash:s%40cret@db.example:6543/rollouts"
                                       "?sslmode=require")
    db = env_database_url("DATABASE_URL", pool_max=7)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("rollouts", "dash", "s@cret")
    assert (db["HOST"], db["PORT"]) == ("db.example", "6543")
    assert db["OPTIONS"]["pool"]["max_size"] == 7
    assert db["OPTIONS"]["sslmode"] == "require"
    assert db["CONN_MAX_AGE"] == 0


def test_the_port_defaults_to_postgres_own(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://dash@localhost/rollouts")
    assert env_database_url("DATABASE_URL")["PORT"] == "5432"


def test_the_url_can_come_from_a_mounted_secret_file(monkeypatch, tmp_path):
    secret = tmp_path / "url"
    secret.write_text("postgres://dash:pw@db/rollouts\n")
    monkeypatch.setenv("DATABASE_URL_FILE", str(secret))
    assert env_database_url("DATABASE_URL")["PASSWORD"] == "pw"


@pytest.mark.parametrize("url", [
    "mysql://dash:pw@db/rollouts",
    "postgres://dash:pw@db/",
    "postgres:///rollouts",
    "postgres://dash:pw@db:port/rollouts",
    "postgres://dash:pw@db/a/b",
])
def test_a_malformed_url_is_refused_without_showing_its_password(monkeypatch, url):
    monkeypatch.delenv("DATABASE_URL_FILE", raising=False)
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL") as refused:
        env_database_url("DATABASE_URL")
    assert ":pw@" not in str(refused.value)
