"""Image references: the OCI / Docker reference grammar and its lengths, nothing else."""

from __future__ import annotations

import re

import pytest

from rollouts.actions.image_ref import MAX_LENGTH, BadImage, check_image

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize("image", [
    "nginx", "argoproj/rollouts-demo:blue", "docker.io/library/nginx:1.27.0",
    "localhost:5000/team/app:v1", "registry.example.com:443/a/b/c:latest",
    f"ghcr.io/org/app@{DIGEST}", f"ghcr.io/org/app:1.2@{DIGEST}", "a__b/c--d.e:T_a.g-1",
    "[::1]:5000/app:dev", "x" * 255, "app:" + "t" * 128,
])
def test_it_accepts_what_the_grammar_allows(image: str) -> None:
    assert check_image(image) == image


@pytest.mark.parametrize(("image", "problem"), [
    ("", "non-empty"),
    ("x" * 100_000, f"at most {MAX_LENGTH} characters"),
    ("x" * 256, "1 to 255 characters"),
    ("app:" + "t" * 129, "is not a tag"),
    ("nginx\x00", "U+0000"),
    ("nginx\n", "U+000A"),
    ("ngi\u200bnx", "U+200B"),  # zero-width space
    ("ngіnx:1", "U+0456"),  # Cyrillic і
    ("nginx latest", "U+0020"),
    ("Nginx:1", "not a repository name"),
    ("team//app", "not a repository name"),
    ("-app:1", "not a repository name"),
    ("app:.tag", "is not a tag"),
    ("app:", "is not a tag"),
    ("app@sha256:abc", "is not a digest"),
    ("app@@" + DIGEST, "is not a digest"),
    ("../../etc/passwd", "not a repository name"),
    ("app:1;rm -rf", "U+0020"),
])
def test_it_refuses_the_rest_naming_the_problem(image: str, problem: str) -> None:
    with pytest.raises(BadImage, match=re.escape(problem)):
        check_image(image)


@pytest.mark.parametrize("value", [None, 7, ["nginx"], {"image": "nginx"}, True])
def test_it_refuses_anything_but_a_string(value: object) -> None:
    with pytest.raises(BadImage, match="non-empty string"):
        check_image(value)
