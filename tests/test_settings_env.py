from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from dashboard.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_name,
    persistent_secret,
)


def test_it_reads_booleans_strictly(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "Off")
    assert env_bool("FLAG", True) is False
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
        env_bool("FLAG")


def test_it_rejects_numbers_that_are_not_numbers(monkeypatch):
    monkeypatch.setenv("N", "12x")
    with pytest.raises(ImproperlyConfigured, match="N must be an integer"):
        env_int("N", 1)
    monkeypatch.setenv("N", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("N", 1, minimum=0)
    monkeypatch.setenv("F", "0.25")
    assert env_float("F", 1.0) == 0.25


def test_it_uses_defaults_when_unset(monkeypatch):
    monkeypatch.delenv("N", raising=False)
    monkeypatch.delenv("L", raising=False)
    assert env_int("N", 7) == 7
    assert env_list("L", ["a"]) == ["a"]


def test_it_splits_lists_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("L", " a, ,b ,")
    assert env_list("L") == ["a", "b"]


def test_it_refuses_unknown_choices(monkeypatch):
    monkeypatch.setenv("MODE", "sideways")
    with pytest.raises(ImproperlyConfigured, match="MODE must be one of a, b"):
        env_choice("MODE", "a", ("a", "b"))


def test_it_keeps_a_generated_secret_across_restarts(tmp_path):
    first = persistent_secret(tmp_path / "state" / "secret")
    assert len(first) > 40
    assert persistent_secret(tmp_path / "state" / "secret") == first


def test_it_accepts_only_dns_label_cluster_names(monkeypatch):
    monkeypatch.setenv("CLUSTER", "prod-eu-1")
    assert env_name("CLUSTER", "default") == "prod-eu-1"
    for bad in ("Prod", "a_b", "-a", "a" * 64, "<script>"):
        monkeypatch.setenv("CLUSTER", bad)
        with pytest.raises(ImproperlyConfigured, match="CLUSTER must be lower-case"):
            env_name("CLUSTER", "default")
