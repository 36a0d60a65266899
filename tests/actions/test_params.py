"""Checking action names, parameters and `expect` before anything is sent."""

from __future__ import annotations

import pytest

from rollouts.actions.errors import BadInput
from rollouts.actions.guard import Expect
from rollouts.actions.params import normalize_action, parse_expect, validate_params


def test_action_names_accept_dashes_and_case() -> None:
    assert normalize_action("Set-Image") == "set_image"
    assert normalize_action("promote") == "promote"


def test_an_unknown_action_lists_the_known_ones() -> None:
    with pytest.raises(BadInput, match="unknown action 'resume'; expected one of promote, "):
        normalize_action("resume")


def test_defaults_are_filled_in() -> None:
    assert validate_params("promote", None) == {"full": False}
    assert validate_params("undo", {}) == {"to_revision": 0}
    assert validate_params("restart", {}) == {"in": "0s"}
    assert validate_params("abort", {}) == {}


def test_undo_takes_revision_as_an_alias() -> None:
    assert validate_params("undo", {"revision": 2}) == {"to_revision": 2}


@pytest.mark.parametrize(
    ("action", "params", "problem"),
    [
        ("promote", {"full": "yes"}, "'full' must be true or false"),
        ("undo", {"revision": -1}, "'to_revision' must be a revision number"),
        ("undo", {"revision": True}, "'to_revision' must be a revision number"),
        ("undo", {"revision": "2"}, "'to_revision' must be a revision number"),
        ("set_image", {"container": "web"}, "'image' is required"),
        ("set_image", {"container": "web", "image": "a b"},
         "invalid image 'a b'.*cannot contain ' '"),
        ("set_image", {"container": "", "image": "x:1"}, "'container' must be a non-empty"),
        ("abort", {"full": True}, r"unknown parameter 'full' \(allowed: none\)"),
        ("restart", {"in": "soon"}, "'in' must be a duration"),
        ("promote", [1], "parameters must be a JSON object"),
    ],
)
def test_bad_parameters_are_named(action: str, params: object, problem: str) -> None:
    with pytest.raises(BadInput, match=problem) as caught:
        validate_params(action, params)
    assert caught.value.status_code == 422


def test_restart_accepts_seconds_and_go_durations() -> None:
    assert validate_params("restart", {"in": 30}) == {"in": "30s"}
    assert validate_params("restart", {"in": "1m30s"}) == {"in": "1m30s"}


def test_expect_is_parsed_from_the_uis_json() -> None:
    assert parse_expect({"resourceVersion": "12", "step": 1, "state": "abc"}) == Expect(
        "12", 1, "abc"
    )
    assert parse_expect({"resourceVersion": 12}) == Expect("12", None, None)
    assert parse_expect(None) is None
    assert parse_expect({}) is None


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("12", "'expect' must be an object"),
        ({"rv": "12"}, "unknown field 'rv'"),
        ({"step": "1"}, "'expect.step' must be a step index"),
        ({"step": -1}, "'expect.step' must be a step index"),
        ({"state": 5}, "'expect.state' must be a string"),
        ({"resourceVersion": [1]}, "'expect.resourceVersion' must be a string"),
    ],
)
def test_a_malformed_expect_is_bad_input(raw: object, problem: str) -> None:
    with pytest.raises(BadInput, match=problem):
        parse_expect(raw)
