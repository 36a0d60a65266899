"""`make test`'s real parts: PostgreSQL and Redis on loopback, data under the state directory.

    python scripts/test_services.py start --state-dir var/services   # writes var/services/env
    python scripts/test_services.py stop --state-dir var/services

1. PostgreSQL: Debian's own binaries (/usr/lib/postgresql/<version>/bin). initdb refuses to run
   as root, so as root the cluster belongs to the `postgres` user the Debian package creates and
   every server command runs through `runuser -u postgres`. It listens on 127.0.0.1 only (and a
   socket inside its data directory, never /var/run), on a free port, with a password for TCP.
   Its data is under the state directory, or under /tmp when the `postgres` user cannot reach that.
2. Redis: `redis-server` bound to 127.0.0.1 on a free port, nothing saved to disk.
3. `start` writes DATABASE_URL and REDIS_URL, one `NAME=value` a line, to `<state-dir>/env`;
   `stop` stops whatever `start` started (fast shutdown; no error when nothing runs).
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = DB_USER = "dashboard"
START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_bin(tool: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"))
    if found:
        return found[-1]
    path = shutil.which(tool)
    if not path:
        sys.exit(f"PostgreSQL's {tool} is missing: install Debian's postgresql package")
    return path


def as_owner(command: list[str]) -> list[str]:
    """`command` as the data directory's owner: postgres when we are root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def run(command: list[str], **kwargs: object) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)  # type: ignore[call-overload]


def pg_dir(state: Path) -> Path:
    """`<state>/pg`, unless we are root and the `postgres` user could not reach it (a checkout
    under /root): then a fixed directory under /tmp named after the state directory."""
    if os.geteuid() != 0 or all(os.stat(p).st_mode & 0o001 for p in [state, *state.parents]
                                if p.exists()):
        return state / "pg"
    digest = hashlib.sha256(str(state).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"rollouts-test-pg-{digest}"


def start_postgres(state: Path) -> str:
    pg = pg_dir(state)
    data, password = pg / "data", secrets.token_hex(16)
    shutil.rmtree(pg, ignore_errors=True)  # a fresh cluster each run: tests start from nothing
    pg.mkdir(parents=True)
    (pg / "pwfile").write_text(password + "\n")
    (pg / "pwfile").chmod(0o600)
    if os.geteuid() == 0:
        shutil.chown(pg, "postgres")
        shutil.chown(pg / "pwfile", "postgres")
    run(as_owner([pg_bin("initdb"), "-D", str(data), "-U", DB_USER, "--pwfile", str(pg / "pwfile"),
                  "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                  "--locale=C.UTF-8"]))
    port = free_port()
    # No autovacuum: its ANALYZE would take transaction ids the tests count (mirror batches).
    options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off "
               "-c autovacuum=off")
    run(as_owner([pg_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(pg / "log"),
                  "-w", "-t", str(int(START_TIMEOUT)), "start"]))
    run(as_owner([pg_bin("createdb"), "-h", str(data), "-p", str(port), "-U", DB_USER,
                  DB_NAME]))
    return f"postgres://{DB_USER}:{password}@127.0.0.1:{port}/{DB_NAME}"


def stop_postgres(state: Path) -> None:
    data = pg_dir(state) / "data"
    if (data / "postmaster.pid").exists():
        subprocess.run(as_owner([pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                                 "stop"]), check=False, stdout=subprocess.DEVNULL)


def start_redis(state: Path) -> str:
    redis = state / "redis"
    shutil.rmtree(redis, ignore_errors=True)
    redis.mkdir(parents=True)
    port = free_port()
    server = shutil.which("redis-server") or sys.exit(
        "redis-server is missing: install Debian's redis-server package")
    run([server, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(redis),
         "--save", "", "--appendonly", "no", "--daemonize", "yes",
         "--pidfile", str(redis / "redis.pid"), "--logfile", str(redis / "log")])
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.1)
    sys.exit(f"redis-server did not answer on port {port}; see {redis / 'log'}")


def stop_redis(state: Path) -> None:
    pidfile = state / "redis" / "redis.pid"
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + START_TIMEOUT
    while pidfile.exists() and time.monotonic() < deadline:
        time.sleep(0.1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("--state-dir", type=Path, default=ROOT / "var" / "services")
    args = parser.parse_args(argv)
    state = args.state_dir.resolve()
    stop_redis(state)
    stop_postgres(state)
    if args.action == "start":
        state.mkdir(parents=True, exist_ok=True)
        try:
            urls = {"DATABASE_URL": start_postgres(state), "REDIS_URL": start_redis(state)}
        except BaseException:  # nothing half-started may outlive a failed start
            stop_redis(state)
            stop_postgres(state)
            raise
        (state / "env").write_text("".join(f"{k}={v}\n" for k, v in urls.items()))
        print(f"test services running; their URLs are in {state / 'env'}")
    else:
        (state / "env").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
