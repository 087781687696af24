"""
The petition rows of an export, read as plain values with the petitioners decrypted in
batches: the same redaction and masking as the shared helpers give for model instances
(`petitioner_names`, `identity_hidden`, `mask_number`), a denouncer's identity never even
decrypted, and one statement for the petitions (read in chunks) plus one per chunk for
their petitioners, whatever the number of rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from petitions.models import REDACTED, Petition, PetitionKind
from petitions.selectors import identity_hidden, mask_number, petitioner_names
from petitions.services import PetitionerInput
from reports import exports
from tests.petitions.factories import PetitionFactory
from tests.reports.conftest import TODAY

PEOPLE = [
    PetitionerInput(full_name="Trần Văn Bình", citizen_id="068190004321", phone="0977555666"),
    PetitionerInput(full_name="Lê Thị Mai", citizen_id="", phone="0909 123 456"),
    PetitionerInput(full_name="Phạm Quốc Huy", citizen_id="079203001234", phone=""),
]


@pytest.fixture
def petitions(tree: Any, handler_a: Any) -> list[Any]:
    """One petition of each kind with three petitioners, one with one, one with none."""
    made = [
        PetitionFactory(actor=handler_a, unit=tree.commune_a1, kind=kind, petitioners=PEOPLE)
        for kind in PetitionKind.values
    ]
    made.append(
        PetitionFactory(
            actor=handler_a,
            unit=tree.commune_a1,
            kind=PetitionKind.DENUNCIATION,
            petitioners=[PEOPLE[0]],
        )
    )
    made.append(
        PetitionFactory(
            actor=handler_a, unit=tree.commune_a1, kind=PetitionKind.FEEDBACK, is_anonymous=True
        )
    )
    return made


def _rows(handler: Any) -> dict[str, list[Any]]:
    queryset = exports.petition_export_queryset(
        handler, unit=None, period=None, params={}, today=TODAY
    )
    return {row[0]: row for row in exports.petition_rows(queryset, today=TODAY)}


def _expected_people(petition: Petition) -> list[str]:
    """Columns 6–8 by the helpers shared with the API lists, from model instances."""
    petition = Petition.objects.prefetch_related("parties__petitioner").get(pk=petition.pk)
    names = "; ".join(petitioner_names(petition))
    if identity_hidden(petition):
        return [names, "", ""]
    people = [party.petitioner for party in petition.parties.all()]
    return [
        names,
        "; ".join(mask_number(p.citizen_id) or "" for p in people if p.citizen_id),
        "; ".join(mask_number(p.phone) or "" for p in people if p.phone),
    ]


def test_every_kind_is_redacted_and_masked_as_by_the_shared_helpers(
    petitions: list[Petition], handler_a: Any
) -> None:
    rows = _rows(handler_a)
    assert set(rows) == {p.code for p in petitions}
    for petition in petitions:
        assert rows[petition.code][6:9] == _expected_people(petition), petition.kind


def test_the_rows_say_what_the_rules_say(petitions: list[Petition], handler_a: Any) -> None:
    rows = _rows(handler_a)
    hidden = str(REDACTED)
    complaint = next(p for p in petitions if p.kind == PetitionKind.COMPLAINT)
    assert rows[complaint.code][6:9] == [
        "Trần Văn Bình; Lê Thị Mai; Phạm Quốc Huy",  # the parties' order
        "*********321; *********234",
        "*******666; *******456",
    ]
    for kind in (PetitionKind.DENUNCIATION, PetitionKind.MIXED):
        protected = next(p for p in petitions if p.kind == kind)
        assert rows[protected.code][6:9] == [f"{hidden}; {hidden}; {hidden}", "", ""]
    single = petitions[-2]
    assert rows[single.code][6:9] == [hidden, "", ""]
    anonymous = petitions[-1]
    assert rows[anonymous.code][6:9] == ["", "", ""]
    text = str(list(rows.values()))
    assert "068190004321" not in text and "0977555666" not in text


def test_a_denouncers_identity_is_never_decrypted(
    petitions: list[Petition], handler_a: Any, monkeypatch: Any
) -> None:
    from danvan.core import crypto

    decrypted: list[str] = []
    real = crypto.decrypt_many

    def spy(values: list[str]) -> list[str]:
        clear = real(values)
        decrypted.extend(clear)
        return clear

    monkeypatch.setattr(exports, "decrypt_many", spy)
    rows = _rows(handler_a)
    assert rows
    complaint = next(p for p in petitions if p.kind == PetitionKind.COMPLAINT)
    assert "Trần Văn Bình" in rows[complaint.code][6]
    shown = sum(1 for p in petitions if not identity_hidden(p) and not p.is_anonymous)
    # name, CCCD and phone of each petitioner of each petition that shows them, no more
    assert len(decrypted) == 3 * len(PEOPLE) * shown


def test_rows_keep_their_petitioners_across_chunks(
    petitions: list[Petition], handler_a: Any, monkeypatch: Any
) -> None:
    whole = _rows(handler_a)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    assert _rows(handler_a) == whole


@pytest.mark.parametrize("chunk_size", [2, 2000])
def test_one_statement_and_one_per_chunk_whatever_the_rows(
    tree: Any, handler_a: Any, count_queries: Any, monkeypatch: Any, chunk_size: int
) -> None:
    import math

    monkeypatch.setattr(exports, "CHUNK_SIZE", chunk_size)
    counts = {}
    made = 0
    for total in (1, 7):
        while made < total:
            PetitionFactory(
                actor=handler_a,
                unit=tree.commune_a1,
                kind=PetitionKind.COMPLAINT,
                petitioners=PEOPLE[: 1 + made % 3],
            )
            made += 1
        queryset = exports.petition_export_queryset(
            handler_a, unit=None, period=None, params={}, today=TODAY
        )
        with count_queries() as queries:
            rows = list(exports.petition_rows(queryset, today=TODAY))
        assert len(rows) == total
        counts[total] = len(queries)
    assert counts == {n: 1 + math.ceil(n / chunk_size) for n in (1, 7)}, counts


def test_the_csv_writes_values_as_csv_value_does() -> None:
    """The fast paths of csv_stream (by exact type) agree with `_csv_value` on each type."""
    import csv
    import io
    from datetime import UTC, datetime

    row = [
        "=1+1",
        "-3",
        "@x",
        "\tx",
        "thường",
        "",
        None,
        7,
        2.5,
        True,
        date(2026, 7, 1),
        datetime(2026, 7, 1, 1, 30, tzinfo=UTC),
        exports.Percent(40),
    ]
    counted: list[int] = []
    text = "".join(exports.csv_stream(["h"] * len(row), [row, row], counted.append))
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    expected = ["" if value is None else str(exports._csv_value(value)) for value in row]
    assert lines[1] == lines[2] == expected
    assert lines[1][10:13] == ["01/07/2026", "01/07/2026 08:30", "40"]
    assert counted == [2]
