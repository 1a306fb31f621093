"""Load test of the partner registration and the public status check on gunicorn and PostgreSQL.

    python bench/api_load.py [--clients 20] [--requests 2000] [--seconds 60] [--think S] [--workers N] [--threads N]

Without DATABASE_URL it runs itself under scripts/with_postgres.py (a throwaway PostgreSQL 15). It migrates,
seeds the reference data, the demo programmes and the demo partner token (jaring.demo.data), starts
`jaring serve` on a free port of 127.0.0.1 with the status rate limit raised, and then drives, from
`--clients` threads with one keep-alive connection each:

  1. POST /api/v1/applications  (partner token, each request a new valid applicant with a unique NIK)
  2. POST /api/v1/status        (the number and NIK of the applications just registered)

With `--think 0` (the default) each client sends its next request as soon as the answer is in: a closed loop
with no think time, the machine saturated, so the latency measured is mostly queueing (p95 about clients divided
by throughput): a capacity test, like 20 partner servers pushing as fast as they can. With `--think S` each
client waits a random time (exponential, mean S seconds) between its requests, like 20 people on phones reading
the answer and typing the next one: a latency test at a realistic load.

Each phase stops after `--requests` requests or `--seconds` seconds, whichever comes first. For each it
prints the throughput, the p50/p95/p99 latency and the errors (anything but the expected status), and
whether the targets hold: p95 <= 250 ms for a registration, <= 50 ms for a status check, no error. Exit
status 1 when a target is missed. Only loopback traffic.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"
TARGET_P95_MS = {"registration": 250.0, "status": 50.0}
EXPECTED = {"registration": 201, "status": 200}


PROGRAMME = ""  # the demo's Balikpapan programme of this year, set by seed()


def applicant(i: int) -> dict[str, Any]:
    """A valid, eligible ojol driver of Manggar (Balikpapan Timur). The NIK is the kecamatan code, the birth
    date (DDMMYY) and a serial: the birth day and the serial vary, so 28 x 9,999 NIKs are unique."""
    day, serial = 1 + i % 28, 1 + i // 28
    return {
        "programme": PROGRAMME,
        "nik": f"647101{day:02d}0890{serial:04d}",
        "no_kk": f"647101010110{serial:04d}",
        "nama": f"Pengemudi {_letters(i)}",  # a KTP name has no digits
        "tempat_lahir": "Balikpapan",
        "tanggal_lahir": f"1990-08-{day:02d}",
        "jenis_kelamin": "L",
        "nama_ibu_kandung": "Siti Aminah",
        "alamat": "Jl. Mulawarman No. 12",
        "rt": "5",
        "rw": "2",
        "kode_kelurahan": "64.71.01.1001",
        "domisili_sejak": "2015-01-01",
        "no_hp": f"0812{i:08d}",
        "sektor": "ojol",
        "penghasilan_bulanan": "2500000",
        "aplikator": "Gojek",
    }


def _letters(i: int) -> str:
    word = ""
    while True:
        i, rest = divmod(i, 26)
        word = chr(ord("A") + rest) + word
        if i == 0:
            return word.title()


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)  # seconds, of answered requests
    statuses: Counter[int | str] = field(default_factory=Counter)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != EXPECTED[self.name])

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

    def report(self) -> bool:
        count = len(self.latencies)
        p50, p95, p99 = self.percentile(50), self.percentile(95), self.percentile(99)
        ok = p95 <= TARGET_P95_MS[self.name] and self.errors == 0 and count > 0
        print(
            f"{self.name:12s} {count:5d} requests in {self.seconds:5.1f} s = {count / self.seconds:6.1f}/s  "
            f"p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms  max {max(self.latencies) * 1000:6.1f} ms  "
            f"errors {self.errors} {dict(self.statuses)}  "
            f"target p95 <= {TARGET_P95_MS[self.name]:.0f} ms, no error: {'met' if ok else 'MISSED'}",
            flush=True,
        )
        return ok


def drive(
    phase: Phase, port: int, clients: int, limit: int, seconds: float, request: Any, think: float = 0.0
) -> list[tuple[int, dict[str, Any]]]:
    """Send `limit` requests from `clients` threads (or stop after `seconds`); request(i) -> (path, body,
    headers). Returns (i, answer) of each expected answer."""
    counter = iter(range(limit))
    counter_lock = threading.Lock()
    answers: list[tuple[int, dict[str, Any]]] = []
    deadline = time.monotonic() + seconds

    def client(seed: int) -> None:
        pause = random.Random(seed)
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        if think:
            time.sleep(pause.uniform(0, think))  # people do not all start at once
        while time.monotonic() < deadline:
            with counter_lock:
                i = next(counter, None)
            if i is None:
                break
            start = time.perf_counter()
            connection, status, payload = _post(connection, port, *request(i))
            _count(phase, status, time.perf_counter() - start)
            if status == EXPECTED[phase.name]:
                with phase.lock:
                    answers.append((i, json.loads(payload)))
            if think:
                # A phone comes back on a new connection: gunicorn closes idle keep-alive ones after 2 s.
                connection.close()
                time.sleep(max(0.0, min(pause.expovariate(1 / think), deadline - time.monotonic())))
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - start
    return answers


def _post(
    connection: http.client.HTTPConnection, port: int, path: str, body: Any, headers: dict[str, str]
) -> tuple[http.client.HTTPConnection, int | str, bytes]:
    """One request: the connection to go on with (a new one after a failure), the status (or the error's name)
    and the body."""
    try:
        connection.request("POST", path, body=json.dumps(body), headers=headers)
        response = connection.getresponse()
        return connection, response.status, response.read()
    except (OSError, http.client.HTTPException) as exc:
        connection.close()
        return http.client.HTTPConnection(HOST, port, timeout=30), type(exc).__name__, b""


def _count(phase: Phase, status: int | str, took: float) -> None:
    with phase.lock:
        phase.statuses[status] += 1
        if isinstance(status, int):
            phase.latencies.append(took)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_serving(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"jaring serve stopped with exit code {server.returncode}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("jaring serve did not answer in time")


def seed() -> str:
    import django

    django.setup()
    from django.core.management import call_command

    from jaring.core import clock
    from jaring.core.models import Region
    from jaring.core.reference import seed_reference
    from jaring.demo.data import seed_programmes, seed_token

    global PROGRAMME
    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        seed_reference()
    cycle = seed_programmes(clock.today())
    PROGRAMME = cycle.current["bpn"].code
    return seed_token()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean seconds a client waits between requests (0: closed loop)"
    )
    parser.add_argument("--workers", type=int, default=None, help="gunicorn worker processes (jaring serve's default)")
    parser.add_argument("--threads", type=int, default=None, help="threads per gunicorn worker")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        # A throwaway PostgreSQL 15 for the run, removed afterwards.
        command = [sys.executable, str(ROOT / "scripts" / "with_postgres.py"), "--", sys.executable, *sys.argv]
        return subprocess.call(command)

    data_dir = tempfile.mkdtemp(prefix="jaring-load-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jaring.settings",
        # A new key each run: a key written here would be one anyone can read (and start-up refuses them).
        "JARING_SECRET_KEY": secrets.token_urlsafe(48),
        "JARING_DEBUG": "0",
        "JARING_DATA_DIR": data_dir,
        # One address sends every request: the public limits would answer 429 after the first few.
        "JARING_STATUS_CHECKS_PER_HOUR": "10000",
        "JARING_PUBLIC_SUBMISSIONS_PER_HOUR": "10000",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    token = seed()
    port = free_port()
    serve = [sys.executable, "-c", "from jaring.cli import main; main()", "serve", "--port", str(port)]
    if args.workers:
        serve += ["--workers", str(args.workers)]
    if args.threads:
        serve += ["--threads", str(args.threads)]
    log = Path(data_dir) / "serve.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(serve, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            wait_until_serving(port, server)
            print(
                f"gunicorn on {HOST}:{port} ({args.workers or 'default'} workers, {args.threads or 'default'} "
                f"threads), {args.clients} clients, think time {args.think:g} s, at most {args.requests} requests or "
                f"{args.seconds:.0f} s a phase",
                flush=True,
            )
            partner = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            registration = Phase("registration")
            made = drive(
                registration,
                port,
                args.clients,
                args.requests,
                args.seconds,
                lambda i: ("/api/v1/applications", applicant(i), partner),
                args.think,
            )
            numbers = {i: answer["number"] for i, answer in made}
            pairs = [(numbers[i], applicant(i)["nik"]) for i in sorted(numbers)]
            status = Phase("status")
            if pairs:
                drive(
                    status,
                    port,
                    args.clients,
                    args.requests,
                    args.seconds,
                    lambda i: (
                        "/api/v1/status",
                        {"number": pairs[i % len(pairs)][0], "nik": pairs[i % len(pairs)][1]},
                        {"Content-Type": "application/json"},
                    ),
                    args.think,
                )
            results = [registration.report(), status.report() if status.latencies else False]
        finally:
            server.terminate()
            server.wait(timeout=30)
    if registration.errors or status.errors:
        print(f"server log: {log}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
