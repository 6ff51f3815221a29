"""Helpers for tests of the emails that the background worker sends."""

import email
import os
import re
import signal
import smtplib
import subprocess
import sys
import threading

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django_tasks_db.management.commands.db_worker import Worker

from signatures import services
from signatures.models import SignerRequest
from tests.support import live


def run_worker() -> None:
    """Run the real db_worker loop in this process until no task is ready, like `db_worker --batch`.

    The loop closes the database connection between tasks (close_old_connections),
    which would end a test's transaction: it sees only committed rows, so the tests
    that run it are marked django_db(transaction=True).
    """
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def store_queued_signatures() -> None:
    """Do what the worker does with queued signing attempts and requests, without sending their mail."""
    for request_id in SignerRequest.objects.order_by("pk").values_list("pk", flat=True):
        services.signer_request_process(request_id=request_id)


def link(message, name: str) -> str:
    """The path of a link in an email's text part: name is "confirm" or "withdraw"."""
    match = re.search(rf"https?://[^/\s]+(\S*/{name}/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def html_part(message) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


class FailingSMTPBackend(LocmemBackend):
    """A mail server that is down for the first `failures` sends, then delivers to the outbox."""

    failures = 0
    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def press_confirm(client, path: str):
    """Open a confirmation link and press its button, leaving the form as the page shows it."""
    form = client.get(path).context["form"]
    data = {field.name: field.value() for field in form}
    # A browser sends a ticked box as "on" and leaves an unticked one out.
    ticked = {name: "on" if value is True else value for name, value in data.items() if value is not False}
    return client.post(path, ticked)


def without_csrf_token(html: str) -> str:
    """A page with its CSRF token (different on every response) taken out, to compare two pages."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)


class RefusingSMTPBackend(LocmemBackend):
    """A mail server that refuses the addresses in `refused` ({address: (code, message)}) at RCPT."""

    refused: dict[str, tuple[int, bytes]] = {}

    def send_messages(self, messages):
        for message in messages:
            refusals = {to: type(self).refused[to] for to in message.to if to in type(self).refused}
            if refusals:
                raise smtplib.SMTPRecipientsRefused(refusals)
        return super().send_messages(messages)


class KillingMailServer:
    """An aiosmtpd handler that accepts mail and, on the kill_at-th recipient, SIGKILLs the worker before answering."""

    def __init__(self, *, kill_at: int):
        self.kill_at = kill_at
        self.lock = threading.Lock()
        self.recipients_seen = 0
        self.worker_pid = None
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.recipients_seen += 1
            if self.recipients_seen == self.kill_at:
                os.kill(self.worker_pid, signal.SIGKILL)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def manage(*args, env, wait=True):
    """manage.py in a process of its own: run to its end, or (wait=False) started and returned."""
    command = [sys.executable, "manage.py", *args]
    if wait:
        return subprocess.run(
            command, cwd=live.BASE_DIR, env=env, check=True, capture_output=True, timeout=60
        )
    return subprocess.Popen(
        command, cwd=live.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def worker_environment(*, smtp_port: int) -> dict[str, str]:
    """The environment of a real task worker process on the test database, mailing the SMTP server at smtp_port."""
    from tests.support import live

    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "worker-test-secret-key",
        "DATABASE_URL": live.test_database_url(),
        "DB_CONN_MAX_AGE": "0",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_USE_TLS": "0",
        "SMTP_TIMEOUT": "10",
    }
