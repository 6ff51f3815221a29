"""A real `manage.py db_worker`, killed with SIGKILL in the middle of a batch of emails.

The worker talks SMTP to a real (local, aiosmtpd) mail server. The server
kills the worker while it is in the middle of one SMTP conversation, after
several mails went out; the worker is restarted the way bin/run starts it
(`requeue_mail`, then `db_worker`). Every confirmation must arrive exactly once.
"""

import signal
from collections import Counter

import pytest
from aiosmtpd.controller import Controller

from signatures.models import SignatureMail
from tests.support import live
from tests.support.factories import make_signatures
from tests.support.mailtools import KillingMailServer, manage, worker_environment

SIGNERS = 12
KILL_AT = 5  # the worker dies while sending the fifth mail


@pytest.mark.django_db(transaction=True)
def test_every_email_goes_out_exactly_once_when_the_worker_is_killed_mid_batch(make_petition):
    petition = make_petition(requires_confirmation=True)
    make_signatures(petition, SIGNERS, confirmed=False)

    handler = KillingMailServer(kill_at=KILL_AT)
    port = live.free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    env = worker_environment(smtp_port=port)
    try:
        worker = manage("db_worker", "--no-startup-delay", "--interval", "0.1", env=env, wait=False)
        handler.worker_pid = worker.pid
        worker.wait(timeout=30)
        assert worker.returncode == -signal.SIGKILL, worker.stderr.read().decode()
        delivered_before_kill = len(handler.received)
        assert delivered_before_kill == KILL_AT - 1
        assert SignatureMail.objects.filter(sent_at__isnull=False).count() == KILL_AT - 1

        # Restarted as bin/run does; --batch so that it stops once the queue is empty.
        manage("requeue_mail", env=env)
        manage("db_worker", "--no-startup-delay", "--batch", env=env)
    finally:
        controller.stop()

    recipients = Counter(message["To"] for message in handler.received)
    assert recipients == Counter({f"s{n}@example.org": 1 for n in range(SIGNERS)})
    message_ids = [message["Message-ID"] for message in handler.received]
    assert len(set(message_ids)) == SIGNERS
    assert not SignatureMail.objects.unsent().exists()
