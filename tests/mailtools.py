"""Helpers for tests of the emails that the background worker sends."""

import re
import smtplib

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django_tasks_db.management.commands.db_worker import Worker


def run_worker() -> None:
    """Run the real db_worker loop in this process until no task is ready, like `db_worker --batch`."""
    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    ).run()


def link(message, name: str) -> str:
    """The path of a link in an email's text part: name is "confirm" or "withdraw"."""
    match = re.search(rf"https?://[^/\s]+(\S*/{name}/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def html_part(message) -> str:
    (html, mimetype), = message.alternatives
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
