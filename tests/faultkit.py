"""The fault suite's kit: its own Redis and PostgreSQL servers on free ports, the Procfile's
processes as real subprocesses, and a table of the figures each fault test measured.

Fault tests are marked `fault` (`pytest -m fault` runs them alone; scripts/test.sh runs them
in the PostgreSQL pass). They never touch the machine's shared Redis (6379) or PostgreSQL
(5432): every server here is started from the installed binaries in a temporary folder, on a
port nobody uses, and is stopped at the end of the session — so a test may kill, restart or
fill it as an operator's bad day would.

Fixtures (registered by tests/conftest.py):
- `fault_redis` (session): `RedisServer` — `.url(db)`, `.stop()`, `.start()`, `.restart(down=s)`.
- `fault_pg` (session): `PostgresServer` — `.url(name)`, `.create_database(name, template)`,
  `.drop_database(name)`, `.stop(mode="immediate")`, `.start()`.
- `fault_env` (test): a fresh seeded database on `fault_pg`, its own Redis database number on
  `fault_redis` (flushed), MEDIA_DIR, and a running fake Bot API; `.config` (also made the test
  process's runtime config), `.env` (the environment a subprocess needs), `.botapi`.
- `procs` (test): `procs.start(name, argv, env=None, **overrides)` runs e.g.
  `["python", "-m", "workers", "worker"]` with `fault_env.env`; the handle has `.kill9()`,
  `.terminate()`, `.restart()`, `.alive()`, `.log_text()`, `.pid`, `.children()`. Every process
  (and whatever it started) is killed at the end of the test.
- `fault_figures` (test): `fault_figures.record(case, figure, value)`; the whole table is printed
  at the end of the run and written to bench/results/fault-figures.md.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
FIGURES: list[tuple[str, str, str]] = []  # (case, figure, value) in the order recorded
FIGURES_FILE = ROOT / "bench" / "results" / "fault-figures.md"
TOKEN = "123456:FAULT-TOKEN"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_until(predicate: Callable[[], object], timeout: float = 30.0, interval: float = 0.1,
               what: str = "condition"):
    """Poll `predicate` until it returns something true; its value, or TimeoutError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what} not met within {timeout:.0f} s")
        time.sleep(interval)


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def process_alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


# --- Redis ---------------------------------------------------------------------------------
class RedisServer:
    """A redis-server of our own on a free port. Without `appendonly` it keeps nothing across a
    restart, the hardest case: every queued job is gone and the outbox must bring it back."""

    def __init__(self, workdir: Path, appendonly: bool = False) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError("redis-server is not installed (scripts/setup.sh installs it)")
        self.port = free_port()
        self.workdir = workdir
        self.appendonly = appendonly
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self, timeout: float = 10) -> "RedisServer":
        if self.process is not None and self.process.poll() is None:
            return self
        log = open(self.workdir / "redis.log", "ab")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes" if self.appendonly else "no", "--dir", str(self.workdir),
             "--daemonize", "no"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until(lambda: port_open(self.port), timeout, what=f"Redis on port {self.port}")
        return self

    def stop(self) -> None:
        """Kill the server at once (SIGKILL: no goodbye to the clients)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def restart(self, down: float = 0) -> None:
        self.stop()
        time.sleep(down)
        self.start()


# --- PostgreSQL ----------------------------------------------------------------------------
def _pg_bin(name: str) -> str:
    """A PostgreSQL server program: Debian keeps them under /usr/lib/postgresql/N/bin."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (scripts/setup.sh installs it)")
    return path


class PostgresServer:
    """A PostgreSQL cluster of our own (initdb in a temporary folder, trust auth, a free port).

    `fsync = off` is safe for the faults here (the server process is killed, not the machine:
    what was written reaches the disk through the kernel); commits stay synchronous, as in
    production, so an immediate stop never takes a committed transaction with it.

    PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user and
    its programs run through runuser."""

    def __init__(self) -> None:
        self.port = free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix="wadul-fault-pg-"))
        self.data = self.workdir / "data"
        self.logfile = self.workdir / "postgres.log"
        self.as_user = None
        if os.geteuid() == 0:
            self.as_user = "postgres"
            entry = pwd.getpwnam(self.as_user)
            os.chown(self.workdir, entry.pw_uid, entry.pw_gid)
        self._run([_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--no-sync"])
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.workdir}'\nfsync = off\n"
                       "full_page_writes = off\nmax_connections = 200\n")

    def _run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess:
        if self.as_user:
            argv = ["runuser", "-u", self.as_user, "--", *argv]
        return subprocess.run(argv, check=check, capture_output=True, text=True, timeout=120)

    def url(self, name: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def start(self, timeout: float = 30) -> "PostgresServer":
        self._run([_pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.logfile), "-w", "-t", str(int(timeout)),
                   "start"])
        return self

    def stop(self, mode: str = "immediate") -> None:
        """`pg_ctl stop -m immediate` by default: every connection is cut as in a crash."""
        self._run([_pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"], check=False)

    def restart(self, down: float = 0, mode: str = "immediate") -> None:
        self.stop(mode)
        time.sleep(down)
        self.start()

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str, template: str | None = None) -> str:
        self.admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)


# --- processes -----------------------------------------------------------------------------
class Proc:
    """One Procfile-like process: its own session (process group), its output in a file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], logdir: Path) -> None:
        self.name, self.argv, self.env = name, argv, env
        self.logfile = logdir / f"{name}.log"
        self.process: subprocess.Popen | None = None
        self.started = 0

    def start(self) -> "Proc":
        argv = [sys.executable if part == "python" else part for part in self.argv]
        self.started += 1
        with open(self.logfile, "ab") as log:
            log.write(f"\n=== start {self.started}: {' '.join(self.argv)}\n".encode())
            log.flush()
            self.process = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def children(self) -> list[int]:
        return descendants(self.pid) if self.process is not None else []

    def kill9(self) -> list[int]:
        """SIGKILL the process itself (not its children), as `kill -9 PID` would; returns the
        children it had, so a test can see whether any outlive it."""
        children = self.children()
        if self.alive():
            self.process.kill()
            self.process.wait(10)
        return children

    def terminate(self, timeout: float = 30) -> int | None:
        """SIGTERM and wait (the way honcho stops a process); SIGKILL if it hangs."""
        if not self.alive():
            return self.process.returncode if self.process else None
        self.process.terminate()
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(10)

    def restart(self) -> "Proc":
        self.terminate()
        return self.start()

    def log_text(self) -> str:
        try:
            return self.logfile.read_text(errors="replace")
        except OSError:
            return ""

    def cleanup(self) -> None:
        if self.process is None:
            return
        for pid in [self.pid, *self.children()]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            pass


class Procs:
    """The processes of one test; all killed (with their children) when the test ends."""

    def __init__(self, logdir: Path, default_env: Callable[[], dict[str, str]] | None = None) -> None:
        self.logdir = logdir
        self._default_env = default_env
        self.all: dict[str, Proc] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None, **overrides) -> Proc:
        if env is None:
            if self._default_env is None:
                raise ValueError("no environment: pass env= or use the fault_env fixture")
            env = self._default_env()
        env = {**env, **{k: str(v) for k, v in overrides.items()}}
        proc = Proc(name, argv, env, self.logdir)
        self.all[name] = proc
        return proc.start()

    def logs(self) -> dict[str, str]:
        return {name: proc.log_text() for name, proc in self.all.items()}

    def cleanup(self) -> None:
        for proc in self.all.values():
            proc.cleanup()


# --- the environment of one fault test -------------------------------------------------------
class FaultEnv:
    """A fresh seeded PostgreSQL database, a Redis database number, MEDIA_DIR, the fake Bot API."""

    def __init__(self, config, botapi, database: str, redis_db: int) -> None:
        self.config, self.botapi, self.database, self.redis_db = config, botapi, database, redis_db

    @property
    def env(self) -> dict[str, str]:
        from tests.workerkit import config_env

        env = {k: v for k, v in os.environ.items() if not k.startswith("WADUL_TEST")}
        env.update(config_env(self.config))
        env["PYTHONPATH"] = str(ROOT)
        env["PYTHONUNBUFFERED"] = "1"
        return env


class Figures:
    """What the fault tests measured, for the table at the end of the run."""

    def record(self, case: str, figure: str, value) -> None:
        FIGURES.append((case, figure, str(value)))


def figures_table() -> str:
    if not FIGURES:
        return ""
    width_case = max(len("case"), *(len(c) for c, _, _ in FIGURES))
    width_figure = max(len("figure"), *(len(f) for _, f, _ in FIGURES))
    lines = [f"| {'case'.ljust(width_case)} | {'figure'.ljust(width_figure)} | value |",
             f"|{'-' * (width_case + 2)}|{'-' * (width_figure + 2)}|-------|"]
    lines += [f"| {c.ljust(width_case)} | {f.ljust(width_figure)} | {v} |" for c, f, v in FIGURES]
    return "\n".join(lines)


def write_figures() -> str:
    table = figures_table()
    if table:
        FIGURES_FILE.parent.mkdir(parents=True, exist_ok=True)
        FIGURES_FILE.write_text(f"# Fault suite figures ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n\n"
                                f"{table}\n")
    return table


_redis_numbers = iter(range(1, 16))


def make_fault_env(fault_pg: PostgresServer, fault_redis: RedisServer, template: str, tmp_path: Path):
    """Build one test's FaultEnv (a generator: yields it, then drops what it made)."""
    from redis import Redis

    import models
    from config import TestConfig
    from sandbox.botapi import FakeBotAPI
    from services import runtime

    database = f"wadul_fault_{uuid.uuid4().hex[:10]}"
    url = fault_pg.create_database(database, template)
    try:
        redis_db = next(_redis_numbers)
    except StopIteration:  # more than 15 fault tests: numbers are reused (each is flushed first)
        redis_db = 1
    redis = Redis.from_url(fault_redis.url(redis_db))
    redis.flushdb()
    media = tmp_path / "media"
    media.mkdir(exist_ok=True)
    botapi = FakeBotAPI(token=TOKEN).start()
    config = TestConfig(DATABASE_URL=url, REDIS_URL=fault_redis.url(redis_db), MEDIA_DIR=str(media),
                        QUEUE_PREFIX=f"wadulfault{redis_db}", TELEGRAM_API_URL=botapi.url,
                        TELEGRAM_BOT_TOKEN=TOKEN)
    runtime.use(config)
    try:
        yield FaultEnv(config, botapi, database, redis_db)
    finally:
        models.db.close()
        botapi.stop()
        try:
            if fault_redis.process is None:
                fault_redis.start()
            redis.flushdb()
        except Exception:
            pass
        redis.close()
        try:
            if not port_open(fault_pg.port):
                fault_pg.start()
            fault_pg.drop_database(database)
        except Exception:
            pass


def build_template(fault_pg: PostgresServer) -> str:
    """A seeded database (schema and the demo directory) that each test copies."""
    import migrations
    import models
    from config import TestConfig
    from services import demo, runtime

    name = "wadul_fault_template"
    url = fault_pg.create_database(name)
    runtime.use(TestConfig(DATABASE_URL=url))
    migrations.create_tables()
    demo.seed_demo(officials=False)
    models.db.close()
    return name
