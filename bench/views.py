"""The ceilings of the machine: what Django itself costs, through the same middleware.

The campaign page is measured against `fixed_page` (no database, no template)
and signing against `one_insert` (one INSERT, nothing else), both served by
the same gunicorn processes, so the ratio says what the site's own work costs.
"""

from django.db import connection
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

TABLE = "bench_insert"
CREATE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} "
    "(id bigserial PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
)
# About the size of the campaign page, so both send the same bytes.
FIXED_PAGE = (
    b"<!doctype html><html lang=en><meta charset=utf-8><title>Fixed</title><main>"
    + b"<p>A fixed page, as large as the campaign page.</p>" * 220
    + b"</main></html>"
)


@require_safe
def fixed_page(request):
    return HttpResponse(FIXED_PAGE)


@csrf_exempt  # the benchmark posts the same form body as to the signing view
@require_POST
def one_insert(request):
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (email) VALUES (%s)", [request.POST.get("email", "")])
    return HttpResponse(status=204)
