"""The send workers production runs (the Procfile's `sender`: in-process RQ workers on the
send queue only) beside the forking `worker` for everything else; what scripts/run.sh
starts; and the database connection an in-process worker keeps from job to job."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
from redis.exceptions import RedisError

import models
from core import status as st
from models import Complaint, OutboundMessage
from services import runtime
from services.messaging import outbox
from services.tx import transaction
from tests.conftest import TEST_PG_URL
from tests.test_worker_process import ROOT, file_road_complaint, finish, procfile, start
from tests.workerkit import link_office, texts
from workers import jobs


def procfile_names() -> set[str]:
    return {line.split(":", 1)[0].strip() for line in (ROOT / "Procfile").read_text().splitlines() if ":" in line}


def test_the_procfile_sends_on_in_process_workers_and_forks_for_the_rest():
    assert procfile("sender") == ["worker", "--simple", "--queues", "send", "--threads", "8"]
    assert procfile("worker") == ["worker", "--queues", "default,low"]


def test_run_sh_starts_every_process_of_the_procfile():
    script = (ROOT / "scripts" / "run.sh").read_text()
    started = set(re.search(r"^processes=\(([^)]*)\)", script, re.M).group(1).split())
    started |= set(re.findall(r"^\s*processes\+=\(([^)]*)\)", script, re.M)[0].split())  # the sandbox, without a token
    assert started == procfile_names()
    assert re.search(r'honcho start .*-c "sender=\$\{SEND_WORKERS:-2\}"', script)  # two send workers


def test_sender_and_worker_share_the_work_between_them(telegram, botapi, redis_conn):
    group = link_office(botapi, "DPUTR")
    complaint = file_road_complaint(botapi, "split")  # its assignment job waits on the default queue
    with transaction():
        note = outbox.add_message(complaint.reporter.chat_id, "Pesan langsung", kind="status")
    sender = procfile("sender")

    output = finish(start(sender + ["--burst"], telegram))
    assert OutboundMessage.get_by_id(note.id).state == "sent", output
    assert Complaint.get_by_id(complaint.id).status == st.NEW  # not the sender's queue

    output = finish(start(procfile("worker") + ["--burst"], telegram))
    assert Complaint.get_by_id(complaint.id).status == st.ASSIGNED, output
    assert OutboundMessage.select().where(OutboundMessage.state == "pending").count() >= 2  # its notices wait

    output = finish(start(sender + ["--burst"], telegram))
    assert not OutboundMessage.select().where(OutboundMessage.state != "sent").exists(), output
    assert complaint.tracking_code in texts(botapi, complaint.reporter.chat_id)[1]
    assert complaint.tracking_code in texts(botapi, group)[0]


@pytest.mark.parametrize("args, message", [
    (["--queues", "send,kirim"], "queues must be some of send, default, low"),
    (["--threads", "4"], "--threads needs --simple"),
    (["--simple", "--threads", "0"], "--threads must be from 1 to 64"),
])
def test_wrong_worker_options_are_refused_politely(args, message):
    result = subprocess.run([sys.executable, "-m", "workers", "worker", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_send_threads_keep_several_messages_in_flight(telegram, botapi, redis_conn):
    """Telegram is a few hundred milliseconds away: the sender's threads wait for it together."""
    from bench.notify import DelayingProxy

    people = [botapi.user() for _ in range(8)]
    rows = [add(p.id, f"Pesan {n}") for n, p in enumerate(people)]
    proxy = DelayingProxy(botapi.url, 0.4)
    try:
        output = finish(start(procfile("sender") + ["--burst"], telegram, TELEGRAM_API_URL=proxy.url))
    finally:
        proxy.stop()
    assert {OutboundMessage.get_by_id(r.id).state for r in rows} == {"sent"}, output
    moments = sorted(c["ts"] for c in botapi.calls if c["method"] == "sendMessage")
    assert len(moments) == 8
    assert moments[-1] - moments[0] < 1.2  # one at a time: 8 x 0.4 s at least


def test_a_send_thread_whose_delivery_raised_queues_the_row_again(telegram, botapi, redis_conn):
    from rq import Queue
    from rq.job import Job

    row = add(botapi.user().id, "Sekali lagi")
    table = OutboundMessage._meta.table_name
    models.db.execute_sql(f'ALTER TABLE "{table}" RENAME TO "{table}_away"')  # the database fails the job
    models.db.close()
    pool = jobs.send_in_threads(2)
    try:
        assert jobs.send_message(row.id) == "handed to a send thread"
        pool.close()  # wait for the thread
    finally:
        jobs.stop_send_threads()
        models.db.execute_sql(f'ALTER TABLE "{table}_away" RENAME TO "{table}"')
    queue = Queue(runtime.queue_name(telegram, runtime.QUEUE_SEND), connection=redis_conn)
    (job_id,) = queue.scheduled_job_registry.get_job_ids()
    job = Job.fetch(job_id, connection=redis_conn)
    assert job.args == (row.id, 2)  # as RQ's retry would: after 5 s, two more tries left
    assert jobs.send_message(*job.args) == "sent"
    assert OutboundMessage.get_by_id(row.id).state == "sent"


def test_the_queue_names_are_the_runtimes():
    from workers.__main__ import QUEUES

    assert QUEUES == (runtime.QUEUE_SEND, runtime.QUEUE_DEFAULT, runtime.QUEUE_LOW)


# --- one connection from job to job in an in-process worker ----------------------------------------
@pytest.fixture
def kept():
    jobs.keep_connection(True)
    yield
    jobs.keep_connection(False)


def add(chat_id: int, text: str) -> OutboundMessage:
    with transaction():
        return outbox.add_message(chat_id, text, kind="status")


def test_forked_jobs_close_the_connection(telegram, botapi):
    row = add(botapi.user().id, "Satu")
    assert jobs.send_message(row.id) == "sent"
    assert models.db.is_closed()


def test_in_process_jobs_keep_it_and_drop_it_after_a_failure(telegram, botapi, kept):
    siti = botapi.user()
    first, second = add(siti.id, "Satu"), add(botapi.user().id, "Dua")
    assert jobs.send_message(first.id) == "sent"
    assert not models.db.is_closed()
    connection = models.db.connection()
    assert jobs.send_message(second.id) == "sent"
    assert models.db.connection() is connection  # the same one, not a new one per message

    runtime.use(telegram.with_(REDIS_URL="redis://127.0.0.1:1/0"))  # Redis gone: the job fails
    third = add(siti.id, "Tiga")
    models.db.connection()
    with pytest.raises(RedisError):
        jobs.send_message(third.id)
    assert models.db.is_closed()  # the next job starts on a fresh connection
    runtime.use(telegram)
    assert OutboundMessage.get_by_id(third.id).state == "pending"  # and the row is still to be sent


@pytest.mark.skipif(not TEST_PG_URL, reason="PostgreSQL only: a backend terminated under a kept connection")
def test_a_connection_broken_between_jobs_is_replaced_by_the_next_job(telegram, botapi, kept):
    """The server dropped the kept connection (a restart, say): the next job's first statement
    reconnects (models.ReconnectingPostgresqlDatabase) and sends, costing no retry."""
    import psycopg

    first, second = add(botapi.user().id, "Satu"), add(botapi.user().id, "Dua")
    assert jobs.send_message(first.id) == "sent"
    (pid,) = models.db.execute_sql("SELECT pg_backend_pid()").fetchone()
    with psycopg.connect(TEST_PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))  # the server restarted, say
    assert jobs.send_message(second.id) == "sent"
    (new_pid,) = models.db.execute_sql("SELECT pg_backend_pid()").fetchone()
    assert new_pid != pid
    assert [OutboundMessage.get_by_id(r.id).state for r in (first, second)] == ["sent", "sent"]
