"""The argument grammar of `manage.py rollouts`, shaped like `kubectl argo rollouts`."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandParser

ROLLOUT_WORDS = ("rollout", "rollouts", "ro")


def _namespace(parser: argparse.ArgumentParser, top: bool = False) -> None:
    # Accepted before or after the subcommand; SUPPRESS keeps a leaf from erasing a top-level -n.
    parser.add_argument("-n", "--namespace", dest="namespace",
                        default=None if top else argparse.SUPPRESS,
                        help="namespace (default: the kubeconfig context's, else 'default')")


def _leaf(subparsers: Any, name: str, help_text: str,
          aliases: tuple[str, ...] = ()) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help_text, description=help_text,
                                   aliases=list(aliases))
    _namespace(parser)
    return parser


def add_arguments(parser: CommandParser) -> None:
    _namespace(parser, top=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    get = commands.add_parser("get", help="details of a rollout, as a tree")
    get_kinds = get.add_subparsers(dest="kind", required=True, metavar="rollout")
    rollout = _leaf(get_kinds, "rollout", "show a rollout (kubectl argo rollouts get rollout)",
                    aliases=ROLLOUT_WORDS[1:])
    rollout.add_argument("name")
    rollout.add_argument("-w", "--watch", action="store_true", help="re-render on each change")
    rollout.add_argument("--timeout-seconds", type=float, default=0,
                         help="with --watch: stop after this many seconds (0: never)")
    # Django's own --no-color only works before the subcommand; upstream puts it after.
    rollout.add_argument("--no-color", dest="no_color", action="store_true",
                         default=argparse.SUPPRESS, help="do not colorize output")

    list_ = commands.add_parser("list", help="list rollouts")
    list_kinds = list_.add_subparsers(dest="kind", required=True, metavar="rollouts")
    rollouts = _leaf(list_kinds, "rollouts", "list rollouts (kubectl argo rollouts list)",
                     aliases=("rollout", "ro"))
    rollouts.add_argument("-A", "--all-namespaces", action="store_true",
                          help="list the rollouts of every namespace")

    promote = _leaf(commands, "promote", "promote a paused rollout (one step)")
    promote.add_argument("name")
    promote.add_argument("--full", action="store_true",
                         help="skip the remaining steps, pauses and analysis")

    for name, help_text in (("abort", "abort a rollout's update"),
                            ("pause", "pause a rollout (spec.paused=true)")):
        leaf = _leaf(commands, name, help_text)
        leaf.add_argument("names", nargs="+", metavar="NAME")

    retry = _leaf(commands, "retry", "retry an aborted rollout: retry [rollout] NAME...")
    retry.add_argument("names", nargs="+", metavar="NAME")

    restart = _leaf(commands, "restart", "restart the pods of a rollout")
    restart.add_argument("name")
    restart.add_argument("-i", "--in", dest="delay", default=None,
                         help="restart after this long, e.g. 30s, 5m, 1h")

    undo = _leaf(commands, "undo", "roll back to a previous revision")
    undo.add_argument("name")
    undo.add_argument("--to-revision", type=int, default=0,
                      help="the revision to roll back to (default 0: the previous one)")

    set_ = commands.add_parser("set", help="update a rollout")
    set_kinds = set_.add_subparsers(dest="kind", required=True, metavar="image")
    image = _leaf(set_kinds, "image", "set the image of a container: CONTAINER=IMAGE")
    image.add_argument("name")
    image.add_argument("assignment", metavar="CONTAINER=IMAGE")


def retry_names(names: list[str]) -> list[str]:
    """`retry rollout a b` as upstream spells it, or plain `retry a b`."""
    if names and names[0] in ("experiment", "experiments", "exp"):
        raise ValueError("retrying experiments is not supported; retry the rollout instead")
    if len(names) > 1 and names[0] in ROLLOUT_WORDS:
        return names[1:]
    return names


def split_assignment(text: str) -> tuple[str, str]:
    parts = text.split("=")
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise ValueError(f"expected CONTAINER=IMAGE (e.g. rollouts-demo=argoproj/rollouts-demo:"
                         f"yellow), not {text!r}")
    return parts[0], parts[1]
