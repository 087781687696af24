"""
A petition of several contents may hold a denunciation, so its petitioners' names are now
kept out of its search text like a denunciation's: rebuild the text of those already stored.
"""

from django.db import migrations

from danvan.core.text import fold


def drop_names(apps, schema_editor):
    Petition = apps.get_model("petitions", "Petition")
    Respondent = apps.get_model("petitions", "Respondent")
    mixed = Petition.objects.filter(kind="mixed").only(
        "id", "code", "summary", "content", "address", "search_text"
    )
    for petition in mixed.iterator(chunk_size=500):
        respondents = Respondent.objects.filter(petition_id=petition.pk).values_list(
            "name", flat=True
        )
        parts = [petition.code, petition.summary, petition.content, petition.address, *respondents]
        text = fold(" ".join(p for p in parts if p))
        if text != petition.search_text:
            Petition.objects.filter(pk=petition.pk).update(search_text=text)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0005_uploads_random_names_checked")]

    # Going back leaves the names out: the text is only an index, rebuilt on the next edit.
    operations = [migrations.RunPython(drop_names, migrations.RunPython.noop)]
