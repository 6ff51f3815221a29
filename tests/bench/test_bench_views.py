"""The benchmark's ceiling views exist only in a process started with BENCH_VIEWS=1."""

from django.db import connection

from bench.views import CREATE_TABLE


def test_the_site_does_not_serve_the_ceiling_views(client, db):
    assert client.get("/bench/fixed/").status_code == 404
    assert client.post("/bench/insert/", {"email": "a@example.org"}).status_code == 404


def test_the_bench_urlconf_serves_them_beside_the_site(client, settings, petition):
    settings.ROOT_URLCONF = "bench.urls"
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
    assert client.get("/bench/fixed/").status_code == 200
    assert client.post("/bench/insert/", {"email": "a@example.org"}).status_code == 204
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM bench_insert")
        assert cursor.fetchall() == [("a@example.org",)]
    assert client.get(petition.get_absolute_url()).status_code == 200
