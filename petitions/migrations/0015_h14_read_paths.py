"""
Read paths at national scale (issue 14).

- `petitions_receiving_recv` (receiving unit, received_on DESC, id DESC) beside
  `petitions_handling_recv`: each side of a scope (received by / handled by one of my units) is
  an ordered index range.
- `petitions_tombstones_sync`: (updated_at, id) of deleted rows only, for a sync's tombstones.
- PostgreSQL only: `search_vector`, a stored generated tsvector of the folded search text with
  every run of characters other than a–z and 0–9 turned into a space (so a code
  "dt-2026-000123" is the words "dt 2026 000123", as the query side splits it), and a GIN
  index on it. Full-text statistics are per word, so the planner knows which words are common
  and no longer guesses the selectivity of several LIKE '%word%' (the trigram index stays, for
  the duplicate suggestions' similarity look-ups). Not a model field: the ORM never writes it;
  `petitions.selectors.petitions_search` reads it through `danvan.core.text.FullTextMatch`.
"""

from django.conf import settings
from django.db import migrations, models

COLUMN = "search_vector"
INDEX = "petitions_search_fts"
EXPRESSION = "to_tsvector('simple'::regconfig, regexp_replace(search_text, '[^a-z0-9]+', ' ', 'g'))"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE petitions_petition ADD COLUMN IF NOT EXISTS {COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({EXPRESSION}) STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON petitions_petition USING gin ({COLUMN})"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"ALTER TABLE petitions_petition DROP COLUMN IF EXISTS {COLUMN}")


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("petitions", "0014_h15_dupes_merge"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                fields=["receiving_unit", "-received_on", "-id"], name="petitions_receiving_recv"
            ),
        ),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", False)),
                fields=["updated_at", "id"],
                name="petitions_tombstones_sync",
            ),
        ),
        migrations.RunPython(create, drop),
    ]
