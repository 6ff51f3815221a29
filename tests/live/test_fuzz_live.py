"""Raw bytes through gunicorn: what a test client cannot send still gets a 4xx, never a 5xx."""

import re
import socket
import urllib.parse

import pytest

from signatures.models import Signature
from tests.support.live import Browserless, collect_static, gunicorn


def raw(url: str, request: bytes) -> int:
    """Send bytes as they are; return the status code of the answer (0 if the server just closes)."""
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server refused the rest of a huge body: its answer is what counts
        data = b""
        try:
            while b"\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
        except ConnectionResetError:
            pass
    match = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return int(match.group(1)) if match else 0


def post(path: str, body: bytes, content_type: str, cookie: str = "", extra: bytes = b"") -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n"
    ).encode()
    if cookie:
        head += f"Cookie: {cookie}\r\n".encode()
    return head + extra + b"\r\n" + body


@pytest.mark.django_db(transaction=True)
def test_raw_hostile_requests_through_gunicorn_never_get_a_5xx(make_petition):
    collect_static()
    petition = make_petition()
    sign_path = f"/petitions/{petition.slug}/sign/"
    with gunicorn(workers=1) as server:
        # The form's own hidden fields, so the hostile bodies reach the sign view itself.
        browser = Browserless(server.url)
        _action, hidden = browser.sign_form(petition.get_absolute_url())
        cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
        form = (urllib.parse.urlencode(hidden) + "&").encode()
        host = server.url.removeprefix("http://")
        origin = f"Host: {host}\r\nOrigin: {server.url}\r\n".encode()
        cases = {
            "invalid UTF-8 body": post(
                sign_path,
                form + b"name=\xff\xfe&email=\xc3\x28@x.org&postal_code=78205",
                "application/x-www-form-urlencoded",
                cookie,
                origin,
            ),
            "NUL bytes": post(
                sign_path,
                form + b"name=a%00b&email=a%00@x.org&postal_code=%00",
                "application/x-www-form-urlencoded",
                cookie,
                origin,
            ),
            "JSON body": post(sign_path, b'{"name": "x"}', "application/json", cookie, origin),
            "broken multipart": post(
                sign_path,
                b'--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\nx',
                "multipart/form-data; boundary=zz",
                cookie,
                origin,
            ),
            "huge body": post(
                sign_path,
                form + b"name=" + b"x" * (4 * 1024 * 1024),
                "application/x-www-form-urlencoded",
                cookie,
                origin,
            ),
            "invalid UTF-8 path": b"GET /petitions/\xff\xfe/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            "NUL in path": b"GET /petitions/a%00b/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            "bad host": b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
            "invalid UTF-8 query": f"GET {petition.get_absolute_url()}?src=\xff HTTP/1.1\r\n".encode(
                "latin-1"
            )
            + b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n",
            "garbage": b"\x00\x01\x02 nonsense\r\n\r\n",
        }
        statuses = {name: raw(server.url, request) for name, request in cases.items()}
        log = server.log()
    assert all(status < 500 for status in statuses.values()), (statuses, log)
    assert statuses["invalid UTF-8 body"] == 400
    assert statuses["huge body"] in (400, 413, 0)
    # Django logs refused requests (too big, bad host) with their cause; a 500 it logs as this:
    assert "Internal Server Error" not in log, log
    assert not Signature.objects.exists()
