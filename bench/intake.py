"""Scenario 1: intake burst. Many residents file a full complaint through the bot at once.

    .venv/bin/python -m bench.intake [--residents 1000] [--rate 1000] [--mode burst,paced,webhook2]
                                     [--bot-rate 30|0] [--chat-burst 10|0] [--ceiling-users 200] [--db postgresql|sqlite]

The fake Bot API server (sandbox.botapi.FakeBotAPI, no rate limits) and the simulated
residents run in this process (its CPU use is printed: ~0.2 cores, and the server alone
answers 2,400-3,000 sendMessage/s to aiohttp clients, so it is not the bound); the bot runs as
a subprocess against it, with its limits from --bot-rate (BOT_GLOBAL_PER_SECOND: 30 as
shipped, 0 = no overall pacing) and --chat-burst (BOT_CHAT_BURST). Each resident:
/lapor -> category group -> category -> description -> one photo -> "done" -> GPS point at a
Ketapang village centroid -> privacy "next" -> confirm (the steps of tests/botdriver.py's
file_complaint). Every update's latency is from pushing it into the fake server to the bot's
matching reply (new message or edit) being stored there, timed by a listener on the fake
server (FakeBotAPI.on_bot_message), so waiting costs nothing per message.

Steps, in order: the fake server's raw speed (plain httpx and aiohttp sendMessage from a
subprocess: httpx's own pool collapses at 64 concurrent requests, the server does not),
the framework ceiling (a minimal PTB bot replying to text and downloading photos, closed loop
with --ceiling-users people, with PTB's stock httpx client and with bot.transport.http's aiohttp one;
the target is judged against the higher), then the Wadul bot: `burst` (all residents at once, polling),
`paced` (--rate complaints a minute, polling), `webhook2` (two bot processes behind a
round-robin proxy, burst). The photos' size ladders are built before the clock starts (Pillow
costs ~11 ms a photo in this process, which real Telegram would pay on its own machines).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time

from bench.common import bench_database, bench_env, flush_bench_redis, header, pct, summary_ms, verdict

TOKEN = "123456:BENCH-TOKEN"
LOG_DIR = "/tmp/wadul-bench"
DESCRIPTION = "Jalan berlubang besar di depan SD, bahaya untuk pengendara motor. Nomor {n}."


def text_of(message: dict) -> str:
    return message.get("text") or message.get("caption") or ""


def buttons_of(message: dict) -> tuple[str, ...]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return tuple(b["callback_data"] for row in rows for b in row if b.get("callback_data"))


class Chats:
    """What the bot said in each chat, as seen by the fake server's listener, on the driver's loop."""

    def __init__(self, api, loop):
        self.api, self.loop = api, loop
        self.waiters: dict[int, tuple] = {}
        self.last_id: dict[int, int] = {}
        self.offers: dict[int, dict[str, int]] = {}  # chat -> button data -> newest message offering it
        api.on_bot_message(self._heard)

    def _heard(self, chat_id: int, message: dict) -> None:
        # Runs on the server's thread under its lock: snapshot, time, hand over.
        snap = (message["message_id"], text_of(message), buttons_of(message), time.perf_counter())
        self.loop.call_soon_threadsafe(self._deliver, chat_id, snap)

    def _deliver(self, chat_id: int, snap: tuple) -> None:
        self.last_id[chat_id] = max(self.last_id.get(chat_id, 0), snap[0])
        offers = self.offers.setdefault(chat_id, {})
        for data in snap[2]:
            offers[data] = snap[0]
        waiter = self.waiters.get(chat_id)
        if waiter and not waiter[1].done() and waiter[0](snap):
            waiter[1].set_result(snap)

    async def step(self, chat_id: int, action, predicate, timeout: float) -> float:
        """Do `action` (push one update), wait for the reply matching predicate(snap, before); latency in s."""
        before = self.last_id.get(chat_id, 0)
        future = self.loop.create_future()
        self.waiters[chat_id] = (lambda snap: predicate(snap, before), future)
        start = time.perf_counter()
        action()
        try:
            snap = await asyncio.wait_for(future, timeout)
        finally:
            self.waiters.pop(chat_id, None)
        return snap[3] - start


# The bot answers a step with a new message or by editing one (the step's buttons turn into the
# next question, issue 17): a reply is whatever the listener hears after the update was pushed.
def new_with(needle: str):
    return lambda snap, before: needle in snap[1]


def has_code(snap, before) -> bool:
    from core.tracking import find_codes

    return bool(find_codes(snap[1]))


def new_offering(prefix: str):
    return lambda snap, before: any(b.startswith(prefix) for b in snap[2])


def with_and_offering(needle: str, data: str):
    return lambda snap, before: needle in snap[1] and data in snap[2]


class Residents:
    """N simulated residents filing complaints; collects latencies, completions and errors."""

    def __init__(self, api, chats: Chats, plan: dict, timeout: float):
        self.api, self.chats, self.plan, self.timeout = api, chats, plan, timeout
        self.latencies: list[float] = []
        self.done: list[float] = []  # completion times (perf_counter)
        self.errors: list[str] = []
        self.updates = 0
        self.cpu_start = 0.0

    async def file(self, user, photo_sizes, point) -> None:
        """One full complaint; a missing reply ends this resident with an error."""
        api, chat, plan, uid = self.api, self.chats, self.plan, user.id
        press = lambda data: lambda: api.press_button(user, chat.offers[uid][data], data)  # noqa: E731
        steps = [(lambda: api.send_text(user, "/lapor"), new_with("1/5"))]
        if plan["group"]:
            menu = lambda snap, before: snap[0] == chat.offers[uid].get(plan["group"]) and plan["cat"] in snap[2]  # noqa: E731
            steps.append((press(plan["group"]), menu))
        steps += [(press(plan["cat"]), new_with("2/5")),
                  (lambda: api.send_text(user, DESCRIPTION.format(n=uid)), new_with("3/5")),
                  (lambda: api._from_user(user, {"photo": [s.photo_size() for s in photo_sizes]}, None),
                   new_with("(1/")),
                  (press("ph:done"), new_with("4/5")),
                  (lambda: api.send_location(user, *point), with_and_offering("5/5", "pv:ok")),
                  (press("pv:ok"), new_offering("ok:")),
                  (lambda: api.press_button(user, chat.last_id[uid], self._confirm(uid)), has_code)]
        for index, (action, predicate) in enumerate(steps):
            try:
                self.latencies.append(await chat.step(uid, action, predicate, self.timeout))
                self.updates += 1
            except (asyncio.TimeoutError, KeyError, ValueError) as error:
                self.errors.append(f"user {uid} step {index}: {error.__class__.__name__} {error}")
                return
        self.done.append(time.perf_counter())

    def _confirm(self, uid: int) -> str:
        return next(data for data in self.chats.offers[uid] if data.startswith("ok:")
                    and self.chats.offers[uid][data] == self.chats.last_id[uid])


def category_plan() -> dict:
    """Callback data to reach the "jalan" category (through its group button when the menu has groups)."""
    from bot.filing import prompts
    from bot import rules
    from models import Category

    category = Category.get(Category.code == "jalan")
    items = prompts.category_items("id")
    groups = rules.category_groups(items)
    group = None
    if groups:
        name = next(item.group for item in items if item.id == category.id)
        group = f"grp:{groups.index(name)}"
    return {"group": group, "cat": f"cat:{category.id}"}


def village_points(count: int) -> list[tuple[float, float]]:
    """Points surely inside Ketapang villages: the centroid when it lies in its village, else a point inside."""
    from shapely.geometry import shape

    from models import Desa
    from services import regions

    points = []
    for desa in Desa.select():
        lat, lon = desa.centroid_lat, desa.centroid_lon
        found = regions.locate(lat, lon)
        if found is None or found.id != desa.id:  # a concave village's centroid lies outside it
            inside = shape(desa.geometry).representative_point()
            lat, lon = inside.y, inside.x
        points.append((lat, lon))
    rng = random.Random(1)
    return [rng.choice(points) for _ in range(count)]


# --- processes --------------------------------------------------------------------------------
def spawn(cfg, name: str, *command: str) -> subprocess.Popen:
    os.makedirs(LOG_DIR, exist_ok=True)
    env = bench_env(cfg)
    env.update({name: str(getattr(cfg, name)) for name in ("BOT_GLOBAL_PER_SECOND", "BOT_CHAT_BURST")})
    return subprocess.Popen([sys.executable, "-m", *command], env=env, stdout=subprocess.DEVNULL,
                            stderr=open(f"{LOG_DIR}/intake-{name}.log", "w"))


def stop_all(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()


def own_cpu() -> float:
    """CPU seconds of this process (the fake server's thread and the residents' loop share it)."""
    times = os.times()
    return times.user + times.system


def cpu_seconds(procs: list[subprocess.Popen]) -> float:
    """User+system CPU seconds used so far by these processes (from /proc)."""
    total = 0.0
    for p in procs:
        try:
            fields = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError):
            pass
    return total


async def warm_up(api, chats: Chats, users: int = 4, timeout: float = 60) -> None:
    """Wait until the bot(s) answer (startup, first DB connection, webhook set)."""
    for _ in range(users):
        user = api.user()
        await chats.step(user.id, lambda: api.send_text(user, "/start"), lambda snap, before: snap[0] > before,
                         timeout)


# --- the fake server alone and the framework ceiling --------------------------------------------
def raw_server(api, cfg, seconds: float = 3) -> str:
    """sendMessage calls per second from plain httpx or aiohttp clients in a subprocess, at a few concurrencies."""
    chats = [api.user().id for _ in range(200)]
    lines = []
    for client in ("httpx", "aiohttp"):
        figures = []
        for concurrency in (1, 8, 64, 200):
            out = subprocess.run([sys.executable, "-m", "bench.intake_bots", "rawload", "--chats",
                                  ",".join(map(str, chats)), "--seconds", str(seconds), "--concurrency",
                                  str(concurrency), "--client", client],
                                 env=bench_env(cfg), capture_output=True, text=True, timeout=seconds + 60)
            rate, ok, failed = out.stdout.split()
            figures.append(f"{float(rate):.0f}/s with {concurrency} ({failed} failed)")
        lines.append(f"sendMessage from one {client} client in a subprocess: " + ", ".join(figures))
    return "\n  ".join(lines)


async def ceiling(api, cfg, chats: Chats, users: int, seconds: float, photos: bool,
                  http: str = "httpx") -> tuple[float, list[float]]:
    """Closed loop: `users` people each send a text (or a photo) and wait for the answer, repeatedly."""
    proc = spawn(cfg, "ceiling", "bench.intake_bots", "ceiling", "--http", http)
    try:
        await warm_up(api, chats)
        people = [api.user() for _ in range(users)]
        jpeg_sizes = [api._files.add_photo(SAMPLE) for _ in range(users * 12)] if photos else []
        latencies: list[float] = []
        stop = time.perf_counter() + seconds

        async def person(i: int, user) -> None:
            n = 0
            while time.perf_counter() < stop:
                if photos:
                    sizes = jpeg_sizes[(i * 12 + n) % len(jpeg_sizes)]
                    action = lambda: api._from_user(user, {"photo": [s.photo_size() for s in sizes]}, None)  # noqa: E731
                else:
                    action = lambda: api.send_text(user, f"halo {n}")  # noqa: E731
                latencies.append(await chats.step(user.id, action, lambda snap, before: snap[0] > before, 30))
                n += 1

        start = time.perf_counter()
        await asyncio.gather(*(person(i, u) for i, u in enumerate(people)))
        return len(latencies) / (time.perf_counter() - start), latencies
    finally:
        stop_all([proc])


# --- the Wadul bot ------------------------------------------------------------------------------
async def run_residents(api, chats: Chats, n: int, rate: float, timeout: float, plan: dict, points) -> tuple:
    users = [api.user(first_name=f"Warga {i}") for i in range(n)]
    photos = [api._files.add_photo(SAMPLE) for _ in range(n)]
    residents = Residents(api, chats, plan, timeout)
    residents.cpu_start = own_cpu()
    start = time.perf_counter()

    async def paced(i: int) -> None:
        if rate:
            await asyncio.sleep(max(0.0, start + i * 60 / rate - time.perf_counter()))
        await residents.file(users[i], photos[i], points[i])

    await asyncio.gather(*(paced(i) for i in range(n)))
    return residents, start


def report_wadul(label: str, residents: Residents, start: float, n: int, complaints_before: int, api,
                 calls_before: int, cpu: float) -> dict:
    from models import Complaint

    end = max(residents.done) if residents.done else time.perf_counter()
    span = end - start
    stored = Complaint.select().count() - complaints_before
    lost = len(residents.done) - stored  # confirmed to the resident but not in the database
    per_s, upd_s = len(residents.done) / span, residents.updates / span
    calls = api.calls[calls_before:]
    driver_cpu = own_cpu() - residents.cpu_start
    failed_calls = [c for c in calls if not c["ok"] and c["method"] != "getUpdates"]
    print(f"[{label}] {len(residents.done)}/{n} complaints complete in {span:.1f} s -> {per_s:.1f} complaints/s, "
          f"{upd_s:.0f} updates/s; bot-side CPU {cpu:.0f} s ({cpu / span:.2f} cores; bot processes and proxy); "
          f"this process (fake server + residents) {driver_cpu / span:.2f} cores")
    print(f"[{label}] update -> reply latency: {summary_ms(residents.latencies)}")
    print(f"[{label}] errors: {len(residents.errors)} residents stuck, {len(failed_calls)} failed Bot API calls, "
          f"{len(api.rejected_calls())} malformed; complaints stored in the DB: {stored} of {len(residents.done)} "
          f"confirmed (lost: {lost})")
    per_method: dict[str, int] = {}
    for call in calls:
        if call["method"] != "getUpdates":
            per_method[call["method"]] = per_method.get(call["method"], 0) + 1
    print(f"[{label}] Bot API calls per complaint: "
          + ", ".join(f"{m} {c / max(1, len(residents.done)):.1f}" for m, c in sorted(per_method.items())))
    for line in residents.errors[:5]:
        print(f"[{label}]   e.g. {line}")
    return {"per_s": per_s, "upd_s": upd_s, "p95": pct(residents.latencies, 95), "lost": lost,
            "errors": len(residents.errors)}


async def wadul_mode(mode: str, args, cfg, api, chats: Chats, plan, points) -> dict:
    from models import Complaint
    if args.bot_rate is not None:  # the bot reads its limits from the environment, like in production
        cfg = cfg.with_(BOT_GLOBAL_PER_SECOND=args.bot_rate)
    if args.chat_burst is not None:
        cfg = cfg.with_(BOT_CHAT_BURST=args.chat_burst)
    if mode == "webhook2":
        from tests.botdriver import free_port

        ports = [free_port() for _ in range(3)]
        procs = [spawn(cfg, "proxy", "bench.intake_bots", "proxy", "--port", str(ports[0]), "--to",
                       ",".join(f"127.0.0.1:{p}" for p in ports[1:]))]
        procs += [spawn(cfg, f"webhook{i}", "bench.intake_bots", "wadul", "--webhook-port", str(port),
                        "--webhook-url-port", str(ports[0])) for i, port in enumerate(ports[1:])]
    elif os.environ.get("WADUL_BENCH_PROFILE") or os.environ.get("WADUL_BENCH_SQLLOG"):
        procs = [spawn(cfg, "polling", "bench.intake_bots", "wadul")]
    else:
        procs = [spawn(cfg, "polling", "bot")]  # exactly what production runs
    try:
        await warm_up(api, chats)
        before, calls_before = Complaint.select().count(), len(api.calls)
        cpu0 = cpu_seconds(procs)
        rate = args.rate if mode == "paced" else 0
        n = args.residents
        residents, start = await run_residents(api, chats, n, rate, args.timeout, plan, points)
        return report_wadul(mode, residents, start, n, before, api, calls_before, cpu_seconds(procs) - cpu0)
    finally:
        stop_all(procs)


SAMPLE = b""


async def amain(args) -> int:
    global SAMPLE
    from models import db
    from sandbox.botapi import FakeBotAPI, sample_jpeg

    SAMPLE = sample_jpeg()
    loop = asyncio.get_running_loop()
    modes = args.mode.split(",")
    flush_bench_redis()
    with bench_database(args.db, name="intake", seeded=False) as cfg:
        from services import demo, runtime

        demo.seed_demo(officials=False)
        plan, points = category_plan(), village_points(args.residents)
        db.close()
        results = {}
        # One fake server for every run: the bot drops update ids it has seen (a fresh server would reuse them).
        api = FakeBotAPI(TOKEN).start()
        cfg = runtime.use(cfg.with_(TELEGRAM_API_URL=api.url))
        chats = Chats(api, loop)
        try:
            if args.ceiling_seconds:
                print(f"fake server alone:\n  {raw_server(api, cfg)}")
                rates = []
                for http in ("httpx", "aiohttp"):
                    for photos in (False, True):
                        rate, lat = await ceiling(api, cfg, chats, args.ceiling_users, args.ceiling_seconds, photos,
                                                  http)
                        what = "photo + getFile + download" if photos else "text"
                        print(f"[ceiling] minimal PTB bot ({http}), {args.ceiling_users} people, {what}: "
                              f"{rate:.0f} updates/s; latency {summary_ms(lat)}")
                        if not photos:
                            rates.append(rate)
                            results[f"ceiling_{http}"] = rate
                results["ceiling"] = max(rates)  # the verdict uses the stricter of the two
            for mode in modes:
                results[mode] = await wadul_mode(mode, args, cfg, api, chats, plan, points)
                flush_bench_redis()
        finally:
            api.stop()
        verdicts(results, args)
    flush_bench_redis()
    return 0


def verdicts(results: dict, args) -> None:
    ceiling_rate = results.get("ceiling")
    burst, paced = results.get("burst"), results.get("paced")
    if burst and ceiling_rate:
        for http in ("httpx", "aiohttp"):
            if results.get(f"ceiling_{http}"):
                rate = results[f"ceiling_{http}"]
                print(f"  vs the minimal PTB bot with {http}: {burst['upd_s']:.0f} / {rate:.0f} = "
                      f"{burst['upd_s'] / rate:.0%}")
        share = burst["upd_s"] / ceiling_rate
        print(f"target updates/s >= 70% of the ceiling (the higher one): {burst['upd_s']:.0f} / {ceiling_rate:.0f} = "
              f"{share:.0%} -> {verdict(share >= 0.7)}")
    if burst:
        print(f"target >= 20 complaints/s (burst): {burst['per_s']:.1f} -> {verdict(burst['per_s'] >= 20)}")
    if paced:
        print(f"target p95 < 500 ms at {args.rate:.0f} complaints/min: {paced['p95'] * 1000:.0f} ms -> "
              f"{verdict(paced['p95'] < 0.5)}")
    lost = sum(r["lost"] + r["errors"] for k, r in results.items() if not k.startswith("ceiling"))
    print(f"target nothing lost: {lost} lost or stuck -> {verdict(lost == 0)}")
    if burst and results.get("webhook2"):
        print(f"two webhook processes vs one polling: {results['webhook2']['per_s']:.1f} vs {burst['per_s']:.1f} "
              f"complaints/s ({results['webhook2']['per_s'] / burst['per_s']:.2f}x)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.intake", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=1000, help="complaints a minute in the paced mode")
    parser.add_argument("--mode", default="burst,paced,webhook2", help="comma-separated: burst, paced, webhook2")
    parser.add_argument("--bot-rate", type=int, default=None,
                        help="BOT_GLOBAL_PER_SECOND for the bot (0: no overall pacing; default: as configured, 30)")
    parser.add_argument("--chat-burst", type=int, default=None,
                        help="BOT_CHAT_BURST for the bot (0: no per-chat pacing; default: as configured, 10)")
    parser.add_argument("--ceiling-users", type=int, default=200)
    parser.add_argument("--ceiling-seconds", type=float, default=10, help="0 skips the raw and ceiling runs")
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for one reply")
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    args = parser.parse_args(argv)
    header("Scenario 1: intake burst", f"""
        {args.residents} residents file a complaint each (9 updates: /lapor, group, category, text, photo, done,
        GPS, privacy, confirm) through FakeBotAPI in this process; the bot is a subprocess on {args.db}, Redis db 6;
        modes {args.mode}; paced = {args.rate:.0f} complaints/min; bot pacing BOT_GLOBAL_PER_SECOND=
        {'as configured' if args.bot_rate is None else args.bot_rate}, BOT_CHAT_BURST=
        {'as configured' if args.chat_burst is None else args.chat_burst}.""")
    return asyncio.run(amain(args))


if __name__ == "__main__":
    raise SystemExit(main())
