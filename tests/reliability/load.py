"""Signers hammering a live site from threads, and what each of them was told."""

import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from tests.support.live import Browserless

FRIENDLY_503 = "Back in a moment"


@dataclass
class Outcome:
    at: float  # time.monotonic() when the answer came
    status: int
    email: str
    friendly: bool = True  # for errors: the friendly page, with no traceback
    page: str = ""  # kept for answers other than 200, 302 and the friendly 503, to explain them


@dataclass
class Load:
    """Signing in a loop from `threads` threads until stopped.

    Each thread is one browser: it loads the campaign page once for its CSRF
    cookie and token, then posts the form over and over with fresh addresses
    (plus a page view per signature when `view_page`). With `rate` set, the
    threads together send about that many signatures a second (an open loop,
    as real visitors arrive); without it each sends as fast as it is answered.
    """

    url: str
    petition_path: str
    threads: int = 4
    rate: float | None = None
    view_page: bool = False
    tag: str = "load"
    outcomes: list[Outcome] = field(default_factory=list)
    # Exceptions in the signing threads (no answer at all, an unexpected page).
    errors: list[BaseException] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _workers: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self):
        for n in range(self.threads):
            worker = threading.Thread(target=self._run, args=(n,), daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=60)

    def _run(self, n: int):
        try:
            self._sign_in_a_loop(n)
        except Exception as error:
            with self._lock:
                self.errors.append(error)

    def _sign_in_a_loop(self, n: int):
        browser = Browserless(self.url)
        action, hidden = browser.sign_form(self.petition_path)
        interval = self.threads / self.rate if self.rate else 0
        # Stagger the threads so that paced requests arrive evenly, not in bursts.
        next_at = time.monotonic() + interval * n / self.threads
        for i in itertools.count():
            if interval:
                delay = next_at - time.monotonic()
                if self._stop.wait(max(0.0, delay)):
                    return
                next_at += interval
            elif self._stop.is_set():
                return
            email = f"{self.tag}-{n}-{i}@example.org"
            if self.view_page:
                status, headers, page = browser.get(self.petition_path)
                self._record(status, "", page, headers)
            status, headers, page = browser.post(
                action,
                {
                    **hidden,
                    "name": f"Signer {n} {i}",
                    "email": email,
                    "postal_code": "78205",
                    "country": "US",
                },
            )
            self._record(status, email, page, headers)

    def _record(self, status, email, page, headers):
        friendly = status < 500 or (
            status == 503 and FRIENDLY_503 in page and "Traceback" not in page and "Retry-After" in headers
        )
        unexpected = status not in (200, 302) and not (status == 503 and friendly)
        with self._lock:
            self.outcomes.append(
                Outcome(time.monotonic(), status, email, friendly, page if unexpected else "")
            )

    def signed(self) -> list[Outcome]:
        """Answers to a signature: 302 means acknowledged (the signer saw the next page)."""
        return [o for o in self.outcomes if o.email]

    def acknowledged(self) -> set[str]:
        return {o.email for o in self.signed() if o.status == 302}

    def statuses(self) -> Counter:
        return Counter(o.status for o in self.outcomes)
