"""The updates benchmark, run by hand: `.venv/bin/python bench/updates.py` (docs/performance.md).

In a database of its own, created afresh (the embedded PostgreSQL, or
BENCH_DATABASE_URL), it loads BENCH_SIGNERS confirmed signers (100,000) who
all opted in, half of them Spanish, with set-based SQL (COPY, then one
UPDATE); then it measures:

- counting the recipients (what admin shows before the final confirmation),
- queuing them: the one INSERT … SELECT that publishing runs,
- sending BENCH_SEND of them (20,000) with the worker's own batch code to a
  local SMTP sink (aiosmtpd's Sink, in a process of its own), at no rate
  limit: the throughput the code reaches, not the one a provider allows,
- the peak memory: Python's own allocations while queuing (tracemalloc) and
  the process's peak resident size over the whole run.
"""

import os
import resource
import socket
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

SIGNERS = int(os.environ.get("BENCH_SIGNERS", "100000"))
SEND = int(os.environ.get("BENCH_SEND", "20000"))
BENCH_DB = "petitions_bench_updates"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smtp_sink(port: int) -> subprocess.Popen:
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"]
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return sink
        except OSError:
            time.sleep(0.1)
    sink.kill()
    raise SystemExit("The SMTP sink did not start.")


def main():
    from bench.run import fresh_embedded_database

    port = free_port()
    os.environ.update(
        {
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or fresh_embedded_database(BENCH_DB),
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-updates-secret-key",
            "SITE_URL": "https://petitions.example.org",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
            "SMTP_USE_TLS": "0",
            "UPDATE_MAIL_BATCH_SIZE": "1000",
            "UPDATE_MAILS_PER_MINUTE": "100000000",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from petition.models import Petition
    from updates import sending, services
    from updates.models import Delivery, recipients

    call_command("migrate", verbosity=0)
    petition = Petition.objects.featured()
    clock = time.perf_counter()
    call_command(
        "seed_signatures",
        count=SIGNERS,
        petition=petition.slug,
        pending_share=0,
        stdout=open(os.devnull, "w"),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE signatures_signature SET opt_in = true,"
            " language = CASE WHEN id %% 2 = 0 THEN 'es' ELSE 'en' END WHERE petition_id = %s",
            [petition.pk],
        )
        cursor.execute("VACUUM ANALYZE signatures_signature")
    print(f"loaded {SIGNERS:,} opted-in signers in {time.perf_counter() - clock:.1f} s")

    update = services.update_create(
        petition=petition,
        title="We delivered the petition",
        body="Thank you, **everyone**. The hearing is on Thursday: [call now](https://example.org/call).",
        title_es="Entregamos la petición",
        body_es="Gracias a **todas y todos**. La audiencia es el jueves: [llama ya](https://example.org/call).",
    )

    clock = time.perf_counter()
    shown = recipients(petition).count()
    count_ms = (time.perf_counter() - clock) * 1000

    tracemalloc.start()
    clock = time.perf_counter()
    update = services.update_publish(update=update, email=True)
    queue_s = time.perf_counter() - clock
    _, queue_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert update.recipient_count == shown == Delivery.objects.filter(update=update).count()

    sink = smtp_sink(port)
    try:
        clock = time.perf_counter()
        while Delivery.objects.filter(update=update, sent_at__isnull=False).count() < SEND:
            sending.send_batch(update.pk)
        send_s = time.perf_counter() - clock
    finally:
        sink.terminate()
        sink.wait()
    sent = Delivery.objects.filter(update=update, sent_at__isnull=False).count()
    failed = Delivery.objects.filter(update=update, gave_up_at__isnull=False).count()
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"recipients counted (the confirmation page): {shown:,} in {count_ms:.0f} ms")
    print(f"queued: {update.recipient_count:,} rows in {queue_s:.2f} s (one INSERT … SELECT)")
    print(f"Python memory allocated while queuing, at its peak: {queue_peak / 1024:.0f} KiB")
    print(f"sent: {sent:,} in {send_s:.1f} s = {sent / send_s:.0f} messages/s ({failed} failed)")
    print(f"peak resident memory of this process over the run: {peak_rss_mb:.0f} MiB")


if __name__ == "__main__":
    main()
