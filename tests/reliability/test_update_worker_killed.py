"""A real `manage.py db_worker` emailing an update, killed with SIGKILL in the middle of a batch.

The worker talks SMTP to a real (local, aiosmtpd) mail server, which kills it
while it is in the middle of one SMTP conversation, after several updates
went out. Restarted the way bin/run starts it (`requeue_updates`, then
`db_worker`), every recipient must have the update exactly once.
"""

import signal
from collections import Counter

import pytest
from aiosmtpd.controller import Controller

from tests.support import live
from tests.support.factories import make_signatures
from tests.support.mailtools import KillingMailServer, manage, worker_environment
from updates import services
from updates.models import Delivery, Update

RECIPIENTS = 12
KILL_AT = 5  # the worker dies while sending the fifth message, in its second batch


@pytest.mark.django_db(transaction=True)
def test_every_recipient_gets_the_update_exactly_once_when_the_worker_is_killed_mid_send(make_petition):
    petition = make_petition()
    make_signatures(petition, RECIPIENTS, opt_in=True)
    update = services.update_create(petition=petition, title="We delivered", body="Thank you.")
    # Committed at once (transaction=True): its first batch's task is stored.
    services.update_publish(update=update, email=True)

    handler = KillingMailServer(kill_at=KILL_AT)
    port = live.free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **worker_environment(smtp_port=port),
        # Several batches, none waiting on the rate: `db_worker --batch` stops
        # at the first task scheduled for later.
        "UPDATE_MAIL_BATCH_SIZE": "3",
        "UPDATE_MAILS_PER_MINUTE": "1000000",
    }
    try:
        worker = manage("db_worker", "--no-startup-delay", "--interval", "0.1", env=env, wait=False)
        handler.worker_pid = worker.pid
        worker.wait(timeout=30)
        assert worker.returncode == -signal.SIGKILL, worker.stderr.read().decode()
        assert len(handler.received) == KILL_AT - 1
        assert Delivery.objects.filter(sent_at__isnull=False).count() == KILL_AT - 1

        # Restarted as bin/run does; --batch so that it stops once the queue is empty.
        requeued = manage("requeue_updates", env=env)
        assert b"Queued 1 batch(es)" in requeued.stdout
        manage("db_worker", "--no-startup-delay", "--batch", env=env)
    finally:
        controller.stop()

    recipients = Counter(message["To"] for message in handler.received)
    assert recipients == Counter({f"s{n}@example.org": 1 for n in range(RECIPIENTS)})
    assert len({message["Message-ID"] for message in handler.received}) == RECIPIENTS
    assert all(
        message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for message in handler.received
    )
    assert not Delivery.objects.unsent().exists()
    update.refresh_from_db()
    assert update.sending == Update.Sending.DONE
