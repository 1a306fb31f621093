#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL cluster.

Usage:
    python scripts/with_postgres.py -- <command> [args...]

A fresh cluster is created in a temporary directory on a free port on
127.0.0.1, a database named ``jaring`` is created in it, and the command runs
with ``DATABASE_URL=postgresql://postgres@127.0.0.1:PORT/jaring`` added to its
environment. The command's exit code is propagated. The server is always
stopped and the temporary directory removed afterwards, also on Ctrl-C and
SIGTERM.

Exit codes besides the command's own: 2 for bad usage or missing binaries,
3 when the cluster cannot be created or started, 130/143 when interrupted.

Python 3.11 standard library only.
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import NoReturn

PREFERRED_BIN = Path("/usr/lib/postgresql/15/bin")
PG_ROOT = Path("/usr/lib/postgresql")
REQUIRED_TOOLS = ("initdb", "pg_ctl", "postgres", "createdb")
DB_NAME = "jaring"
DB_USER = "postgres"
HOST = "127.0.0.1"
LOG_TAIL_LINES = 30
COMMAND_GRACE_SECONDS = 10
EXIT_USAGE = 2
EXIT_START_FAILED = 3


class SetupError(Exception):
    """The throwaway cluster could not be created or started."""


class Terminated(KeyboardInterrupt):
    """Raised from the SIGTERM handler so SIGTERM unwinds like Ctrl-C."""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def die(message: str, code: int = EXIT_USAGE) -> NoReturn:
    say(f"with_postgres: {message}")
    sys.exit(code)


def on_sigterm(_signum: int, _frame: FrameType | None) -> NoReturn:
    raise Terminated


def ignore_signals() -> None:
    """Shield cleanup from a second Ctrl-C or SIGTERM so nothing is left behind."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def exit_status(returncode: int) -> int:
    # A negative return code means the process died from a signal; use the shell convention.
    return returncode if returncode >= 0 else 128 - returncode


def find_bin_dir() -> Path:
    """Prefer PostgreSQL 15, else the highest installed major version."""

    def complete(bin_dir: Path) -> bool:
        return all((bin_dir / tool).is_file() for tool in REQUIRED_TOOLS)

    if complete(PREFERRED_BIN):
        return PREFERRED_BIN
    candidates: list[tuple[tuple[int, ...], Path]] = []
    for bin_dir in PG_ROOT.glob("*/bin"):
        version = bin_dir.parent.name
        if re.fullmatch(r"\d+(\.\d+)*", version) and complete(bin_dir):
            candidates.append((tuple(int(part) for part in version.split(".")), bin_dir))
    if not candidates:
        die(
            f"no PostgreSQL server binaries ({', '.join(REQUIRED_TOOLS)}) under {PG_ROOT}/*/bin; "
            "install them with: apt-get install -y postgresql-15"
        )
    return max(candidates)[1]


def free_port() -> int:
    # The port is released before the server binds it, so another process could
    # grab it in between; that is rare enough to accept for a test helper.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


class Cluster:
    """A PostgreSQL cluster living in a temporary directory."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.version = bin_dir.parent.name
        # PostgreSQL refuses to run as root, so as root the server-side tools run
        # as the ``postgres`` OS user, which must own the temporary directory.
        self.owner: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            try:
                self.owner = pwd.getpwnam(DB_USER)
            except KeyError:
                die(f"running as root but there is no '{DB_USER}' OS user to run PostgreSQL as")
            if shutil.which("runuser") is None:
                die("running as root but 'runuser' is not available to drop privileges")
        self.port = free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="jaring-pg-", dir="/tmp"))
        # mkdtemp creates the directory with mode 0o700; 0o755 keeps it traversable
        # for both the invoking user and the postgres user.
        self.tmp.chmod(0o755)
        self._give_to_owner(self.tmp)
        self.data = self.tmp / "data"
        self.sockets = self.tmp / "sockets"
        self.log = self.tmp / "postgres.log"
        self.started = False

    @property
    def url(self) -> str:
        return f"postgresql://{DB_USER}@{HOST}:{self.port}/{DB_NAME}"

    def _give_to_owner(self, path: Path) -> None:
        if self.owner is not None:
            os.chown(path, self.owner.pw_uid, self.owner.pw_gid)

    def _run(self, tool: str, *args: str, as_server_user: bool = True) -> tuple[int, str]:
        """Run a PostgreSQL tool to completion; return its exit code and combined output.

        The tool gets its own session so a terminal Ctrl-C does not hit it halfway
        (an interrupted initdb deletes its data directory, an interrupted pg_ctl may
        leave a postmaster starting behind our back). If Ctrl-C or SIGTERM reaches
        us meanwhile, the tool is still waited for, then the interruption is
        re-raised: cleanup then always sees a settled state.
        """
        cmd = [str(self.bin_dir / tool), *args]
        if as_server_user and self.owner is not None:
            cmd = ["runuser", "-u", DB_USER, "--", *cmd]
        interruption: KeyboardInterrupt | None = None
        # Output goes to a file rather than a pipe so waiting can be resumed freely.
        with tempfile.TemporaryFile(mode="w+") as output:
            proc = subprocess.Popen(
                cmd,
                cwd=self.tmp,  # the postgres user may not be allowed into the caller's directory
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            while proc.returncode is None:
                try:
                    proc.wait()
                except KeyboardInterrupt as exc:
                    interruption = interruption or exc
            output.seek(0)
            text = output.read().rstrip()
        if interruption is not None:
            raise interruption
        return proc.returncode, text

    def init(self) -> None:
        common = ["-D", str(self.data), "-U", DB_USER, "--auth=trust", "-E", "UTF8"]
        code, output = self._run("initdb", *common, "--locale=C.UTF-8")
        if code != 0:
            # C.UTF-8 is missing on some systems; fall back to the plain C locale.
            shutil.rmtree(self.data, ignore_errors=True)
            code, output = self._run("initdb", *common, "--no-locale")
        if code != 0:
            raise SetupError(f"initdb failed:\n{output}")

    def start(self) -> None:
        self.sockets.mkdir()
        self._give_to_owner(self.sockets)
        server_options = [
            "-p", str(self.port),
            "-c", f"listen_addresses={HOST}",
            "-k", str(self.sockets),
            # Durability is pointless for a cluster that is deleted afterwards, and
            # turning it off makes test runs (many small transactions) much faster.
            "-c", "fsync=off",
            "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off",
            "-c", "max_connections=100",
        ]  # fmt: skip
        # Set before pg_ctl runs: whatever happens from here, stop() must try to shut it down.
        self.started = True
        code, output = self._run(
            "pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
            "-o", shlex.join(server_options),
        )  # fmt: skip
        if code != 0:
            raise SetupError(f"pg_ctl start failed:\n{output}\n{self.log_tail()}")

    def create_database(self) -> None:
        # Connects over TCP as the trusted 'postgres' role, so no OS user switch is needed.
        code, output = self._run(
            "createdb", "-h", HOST, "-p", str(self.port), "-U", DB_USER, DB_NAME, as_server_user=False
        )
        if code != 0:
            raise SetupError(f"createdb failed:\n{output}\n{self.log_tail()}")

    def log_tail(self) -> str:
        try:
            lines = self.log.read_text(errors="replace").splitlines()
        except OSError as exc:
            return f"(no server log: {exc})"
        return "\n".join([f"--- last {LOG_TAIL_LINES} lines of {self.log} ---", *lines[-LOG_TAIL_LINES:]])

    def stop(self) -> None:
        if not self.started:
            return
        self.started = False
        code, output = self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w", "-t", "60")
        if code != 0 and (self.data / "postmaster.pid").exists():
            say(f"with_postgres: pg_ctl stop -m fast failed, retrying with -m immediate:\n{output}")
            code, output = self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w", "-t", "30")
            if code != 0:
                say(f"with_postgres: could not stop PostgreSQL:\n{output}")
        if code == 0:
            say(f"PostgreSQL {self.version} on {HOST}:{self.port} stopped")

    def remove(self) -> None:
        def report(_func: object, path: str, exc_info: tuple[type[BaseException], BaseException, object]) -> None:
            if not isinstance(exc_info[1], FileNotFoundError):
                say(f"with_postgres: could not remove {path}: {exc_info[1]}")

        shutil.rmtree(self.tmp, onerror=report)


def run_command(command: list[str], database_url: str) -> int:
    try:
        # stdout/stderr are inherited, so the command's output streams through unchanged.
        proc = subprocess.Popen(command, env={**os.environ, "DATABASE_URL": database_url})
    except OSError as exc:
        say(f"with_postgres: cannot run {command[0]!r}: {exc.strerror}")
        return 127 if isinstance(exc, FileNotFoundError) else 126
    try:
        return exit_status(proc.wait())
    except KeyboardInterrupt as exc:
        # A terminal Ctrl-C reaches the command directly (same process group); SIGTERM
        # was sent to us only, so pass it on. Then give the command time to wind down.
        if isinstance(exc, Terminated):
            proc.terminate()
        ignore_signals()
        try:
            proc.wait(timeout=COMMAND_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        raise


def parse_command(argv: Sequence[str]) -> list[str]:
    args = list(argv)
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0)
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        die("usage: with_postgres.py -- <command> [args...]")
    return args


def main(argv: Sequence[str]) -> int:
    command = parse_command(argv)
    bin_dir = find_bin_dir()
    signal.signal(signal.SIGTERM, on_sigterm)
    cluster: Cluster | None = None
    try:
        cluster = Cluster(bin_dir)
        cluster.init()
        cluster.start()
        cluster.create_database()
        say(f"PostgreSQL {cluster.version} on {HOST}:{cluster.port} (throwaway)")
        return run_command(command, cluster.url)
    except SetupError as exc:
        say(f"with_postgres: {exc}")
        return EXIT_START_FAILED
    except Terminated:
        say("with_postgres: terminated")
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        say("with_postgres: interrupted")
        return 128 + signal.SIGINT
    finally:
        ignore_signals()
        if cluster is not None:
            cluster.stop()
            cluster.remove()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
