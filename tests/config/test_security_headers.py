"""Production settings pass Django's deployment checks; every page carries the security headers."""

import os
import re
import subprocess
import sys

from django.contrib.auth.models import User

from tests.support.live import BASE_DIR

PRODUCTION = {
    "SITE_URL": "https://petitions.example.org",
    "ALLOWED_HOSTS": "petitions.example.org",
    "SECRET_KEY": "a-long-random-production-secret-" + "x9Q2" * 12,
    "IP_HASH_KEY": "another-long-random-secret-" + "k7Z1" * 12,
    "SMTP_HOST": "smtp.example.org",
}


def test_the_deployment_checks_find_nothing_with_production_settings():
    # DJANGO_ALLOW_ASYNC_UNSAFE: the browser tests set it for this test process only.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECURE_HSTS_PRELOAD", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={**env, **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_carry_a_strict_content_security_policy_and_the_other_headers(client, petition):
    response = client.get(petition.get_absolute_url())
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_page_has_no_inline_script_without_the_nonce(client, petition):
    response = client.get(petition.get_absolute_url())
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or (nonce and f'nonce="{nonce.group(1)}"' in tag), tag
    assert not re.search(r"<[^>]+\son\w+=", html)


def test_admin_pages_work_under_the_policy(client, make_petition):
    """Django admin loads only scripts and styles from this site, none inline, no event handlers."""
    petition = make_petition()
    admin = User.objects.create_superuser("boss", "boss@example.org", None)
    client.force_login(admin)
    for url in ["/admin/", "/admin/petition/petition/", f"/admin/petition/petition/{petition.pk}/change/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert "Content-Security-Policy" in response
        html = response.content.decode()
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts and all('src="/' in tag for tag in scripts), url
        assert "<style" not in html
        assert not re.search(r"<[^>]+\son(click|load|submit|change)=", html)


def test_the_admin_path_is_configurable_and_its_sign_in_stays_limited():
    probe = (
        "import django; django.setup(); from django.urls import reverse, resolve; "
        "print(reverse('admin:index')); print(resolve(reverse('admin:login')).func.__module__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "ADMIN_URL": "/backstage-7f3/"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/backstage-7f3/", "signatures.abuse.ratelimits"]
