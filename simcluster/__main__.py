"""`python -m simcluster serve ...`: run a simulated cluster until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import tempfile
import threading
from pathlib import Path

from simcluster.cluster import SimCluster, check_host, tune_gc_for_server

log = logging.getLogger("simcluster")


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than zero")
    return value


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m simcluster",
                                   description="A simulated Kubernetes API server with Argo "
                                               "Rollouts and Istio controllers.")
    commands = main.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the API until SIGINT/SIGTERM")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (loopback only)")
    serve.add_argument("--port", type=int, default=0, help="port (0 = pick a free one)")
    serve.add_argument("--allow-remote", action="store_true",
                       help="allow a non-loopback --host (no authentication: be careful)")
    serve.add_argument("--seed", action="extend", nargs="+", default=None,
                       metavar="demo|empty|FILE.yaml",
                       help="initial state, applied in order (default: empty)")
    serve.add_argument("--kubeconfig-out", type=Path, default=None, metavar="PATH",
                       help="where to write the kubeconfig (default: a temporary file)")
    serve.add_argument("--no-controllers", action="store_true",
                       help="serve stored state only; nothing changes it by itself")
    serve.add_argument("--speed", type=_positive, default=1.0,
                       help="simulated seconds per real second")
    serve.add_argument("--bookmark-interval", type=_positive, default=30.0, metavar="S")
    serve.add_argument("--max-watch-seconds", type=_positive, default=1800.0, metavar="S")
    serve.add_argument("--change-every", type=_positive, default=None, metavar="S",
                       help="keep a demo alive: every S simulated seconds promote a waiting "
                            "rollout and start a new canary on a healthy one")
    serve.add_argument("--change-skip-namespace", action="append", default=[], metavar="NS",
                       help="a namespace --change-every leaves alone (repeatable)")
    serve.add_argument("--log-level", default="INFO")
    return main


def _controller_options(args: argparse.Namespace) -> object | None:
    if args.change_every is None:
        return None
    from simcluster.controllers import ControllerOptions

    return ControllerOptions(change_every=args.change_every,
                             change_skip_namespaces=frozenset(args.change_skip_namespace))


def serve(args: argparse.Namespace) -> int:
    check_host(args.host, args.allow_remote)
    cluster = SimCluster(
        seeds=args.seed or ["empty"], controllers=not args.no_controllers, speed=args.speed,
        host=args.host, port=args.port, bookmark_interval=args.bookmark_interval,
        max_watch_seconds=args.max_watch_seconds, allow_remote=args.allow_remote,
        controller_options=_controller_options(args),
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    cluster.start()
    tune_gc_for_server()  # a dedicated process: the seeded store need not be GC-scanned
    out = args.kubeconfig_out or Path(tempfile.mkdtemp(prefix="simcluster-")) / "kubeconfig"
    path = cluster.write_kubeconfig(out)
    print(f"simcluster serving {cluster.url}", flush=True)
    print(f"kubeconfig: {path}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        cluster.stop()
        log.info("simcluster stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=getattr(logging, str(args.log_level).upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return serve(args)
    except ValueError as error:
        print(f"simcluster: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
