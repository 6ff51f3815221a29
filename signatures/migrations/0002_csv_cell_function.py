"""csv_cell(text): an export cell a spreadsheet shows as text, never runs as a formula.

The export (signatures/exports.py) has PostgreSQL write every cell, so that
Python only hands rows to the csv writer. A SQL function of one expression is
inlined by the planner: it costs what the CASE written out would.
"""

from django.db import migrations

CREATE = r"""
CREATE FUNCTION csv_cell(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN left(value, 1) IN ('=', '+', '-', '@', E'\t', E'\r') THEN '''' || value ELSE value END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("signatures", "0001_signatures")]

    operations = [migrations.RunSQL(CREATE, "DROP FUNCTION csv_cell(text);")]
