"""
Synthetic data for the benchmarks: 1,000,000 petitions and 100,000 tasks in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_bench \
        .venv/bin/python bench/generate.py [--petitions 1000000] [--tasks 100000]

(Re)creates the database, migrates, seeds the reference data (`manage.py seed --no-demo`:
34 provinces, 3,321 communes, petition fields, deadline policies), creates the personas the
benchmarks use, then writes the rows with COPY (psycopg3 `cursor.copy`), streamed from
generators. Column lists come from the models' `_meta`; a field the generator does not know
and that has no default stops the run, so a model change cannot be silently ignored.

What the app expects and gets: codes `DT-<year>-<n>` numbered per receiving unit and year in
date order, with PetitionCodeCounter rows holding the last number; `search_text` exactly as
`petitions.services.build_search_text` folds it (checked on the first rows); due dates from
the seeded DeadlinePolicy rows through the real working-day calendar; statuses consistent
with age (old petitions mostly finished; finished_on / finished_on_time against due_date);
one petitioner per non-anonymous petition (some people petition more than once), with
encrypted fields stored through the model field's `get_prep_value`; a "created" event per
petition and per task; sequences moved past the generated ids. Non-unique indexes of the
big tables are dropped during the load and rebuilt afterwards, then ANALYZE.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings.base")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/danvan_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)

SUPERVISOR = "bench_supervisor_68"  # province supervisor of Lâm Đồng
CADRE = "bench_cadre_25000"  # commune cadre of Xã Di Linh (25000, in Lâm Đồng)
ADMIN = "bench_admin"  # central administrator (issues the benchmark tasks)
PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway benchmark database
PROVINCE = "68"
COMMUNE = "25000"

_started = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _started:7.1f}s] {message}", flush=True)


# --- Database (re)creation -------------------------------------------------------------------
def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"Refusing an unusual database name: {name!r}")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- Vocabulary ------------------------------------------------------------------------------
# (summary core, field code, weight); the kind's verb is put in front.
TOPICS: list[tuple[str, str, int]] = [
    ("đất đai", "dat-dai", 10),
    ("tranh chấp đất đai với hộ liền kề", "dat-dai", 6),
    ("việc cấp giấy chứng nhận quyền sử dụng đất", "dat-dai", 8),
    ("việc thu hồi đất để thực hiện dự án", "dat-dai", 6),
    ("bồi thường, hỗ trợ khi giải phóng mặt bằng", "dat-dai", 8),
    ("giá bồi thường giải phóng mặt bằng dự án đường tỉnh", "dat-dai", 4),
    ("bố trí tái định cư chưa thỏa đáng", "dat-dai", 3),
    ("thiếu đất sản xuất của hộ đồng bào dân tộc thiểu số", "dat-dai", 3),
    ("nợ tiền sử dụng đất ở", "dat-dai", 2),
    ("lấn chiếm đất công", "dat-dai", 3),
    ("chế độ chính sách đối với người có công", "chinh-sach-che-do", 6),
    ("chế độ trợ cấp xã hội cho người cao tuổi", "chinh-sach-che-do", 3),
    ("việc xét duyệt hộ nghèo, hộ cận nghèo", "chinh-sach-che-do", 4),
    ("chế độ bảo hiểm xã hội, bảo hiểm y tế", "chinh-sach-che-do", 3),
    ("ô nhiễm môi trường do cơ sở chăn nuôi", "hanh-chinh-khac", 4),
    ("ô nhiễm môi trường, nước thải của nhà máy", "hanh-chinh-khac", 3),
    ("khai thác cát trái phép gây sạt lở bờ sông", "hanh-chinh-khac", 2),
    ("trật tự xây dựng, công trình xây dựng không phép", "hanh-chinh-khac", 3),
    ("chất lượng công trình đường giao thông nông thôn", "hanh-chinh-khac", 2),
    ("tranh chấp nhà ở, tài sản thừa kế", "nha-tai-san", 3),
    ("việc thực hiện thủ tục hành chính chậm trễ", "hanh-chinh-khac", 3),
    ("thái độ, tác phong của cán bộ khi tiếp công dân", "dang-doan-the", 2),
    ("việc thu, chi các khoản đóng góp của nhân dân", "tham-nhung", 2),
    ("sai phạm trong quản lý, sử dụng ngân sách xã", "tham-nhung", 1),
    ("bản án dân sự chưa được thi hành", "tu-phap", 1),
    ("điện sinh hoạt, nước sạch nông thôn", "khac", 2),
]
KIND_VERBS: dict[str, list[str]] = {
    "complaint": ["Khiếu nại về", "Khiếu nại quyết định hành chính về", "Đơn khiếu nại về"],
    "denunciation": ["Tố cáo cán bộ có sai phạm trong", "Tố cáo hành vi vi phạm về", "Tố cáo về"],
    "recommendation": ["Kiến nghị về", "Kiến nghị giải quyết", "Đề nghị xem xét"],
    "feedback": ["Phản ánh về", "Phản ánh tình trạng", "Phản ánh việc chậm giải quyết"],
    "mixed": ["Khiếu nại, kiến nghị về", "Phản ánh, kiến nghị về", "Khiếu nại và phản ánh về"],
}
KINDS = [
    ("complaint", 30),
    ("denunciation", 8),
    ("recommendation", 35),
    ("feedback", 22),
    ("mixed", 5),
]
CHANNELS = [
    ("reception", 30),
    ("post", 25),
    ("suggestion_box", 5),
    ("forwarded", 10),
    ("voters", 5),
    ("web_portal", 10),
    ("mobile_app", 10),
    ("hotline", 5),
]
SENTENCES = [
    "Gia đình tôi đã sử dụng ổn định thửa đất từ năm {year}, không có tranh chấp.",
    "Đề nghị cơ quan có thẩm quyền xem xét, giải quyết dứt điểm để ổn định cuộc sống.",
    "Việc bồi thường, hỗ trợ chưa đúng với diện tích thực tế bị thu hồi.",
    "Nhiều lần gửi đơn đến Ủy ban nhân dân xã nhưng chưa nhận được trả lời.",
    "Mức giá bồi thường thấp hơn giá thị trường tại địa phương.",
    "Cán bộ địa chính đo đạc không chính xác ranh giới thửa đất.",
    "Hộ gia đình thuộc diện chính sách nhưng chưa được hưởng chế độ theo quy định.",
    "Khói bụi, mùi hôi ảnh hưởng nghiêm trọng đến sức khỏe của bà con trong thôn.",
    "Đề nghị tổ chức đối thoại công khai với người dân bị ảnh hưởng.",
    "Công trình đã thi công xong nhưng chưa bàn giao, hư hỏng xuống cấp.",
    "Đề nghị công khai danh sách hộ nghèo và tiêu chí xét duyệt.",
    "Sự việc kéo dài từ năm {year} đến nay gây bức xúc trong nhân dân.",
    "Kèm theo đơn là bản sao giấy tờ liên quan và hình ảnh hiện trạng.",
    "Mong Ban Dân vận, Mặt trận Tổ quốc quan tâm, giám sát việc giải quyết.",
    "Người dân đã hiến đất làm đường nhưng chưa được ghi nhận, hỗ trợ.",
    "Đề nghị kiểm tra, xử lý nghiêm các sai phạm nếu có.",
]
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "K'",
    "Ka",
    "Ma",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Xuân", "Thu"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đông",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Nhung",
    "Phong",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Trang",
    "Tuấn",
    "Vân",
    "Yến",
    "Brơi",
    "Điểu",
]
RESPONDENTS = [
    "Ủy ban nhân dân xã",
    "Chủ tịch Ủy ban nhân dân xã",
    "Công chức địa chính xã",
    "Ban quản lý dự án",
    "Công ty cổ phần chăn nuôi",
    "Trưởng thôn",
]
TASK_TITLES = [
    "Triển khai thực hiện Quy chế dân chủ ở cơ sở năm {year}",
    "Sơ kết 6 tháng phong trào thi đua “Dân vận khéo” năm {year}",
    "Vận động nhân dân hiến đất làm đường giao thông nông thôn",
    "Tổ chức đối thoại giữa người đứng đầu cấp ủy, chính quyền với nhân dân",
    "Nắm tình hình tư tưởng, tâm trạng nhân dân trước Tết Nguyên đán",
    "Báo cáo kết quả công tác dân vận chính quyền 6 tháng cuối năm {year}",
    "Tuyên truyền, vận động đồng bào dân tộc thiểu số phát triển kinh tế",
    "Phối hợp giải quyết đơn thư khiếu nại kéo dài về đất đai",
    "Xây dựng mô hình “Dân vận khéo” trong xây dựng nông thôn mới",
    "Kỷ niệm ngày truyền thống công tác dân vận của Đảng 15/10",
]


def weighted(pairs: Sequence[tuple[Any, int]]) -> list[Any]:
    """A flat list to draw from with random.choice (fast, weights as repetition)."""
    return [value for value, weight in pairs for _ in range(weight)]


# --- COPY helpers ----------------------------------------------------------------------------
class Table:
    """Column order from the model's _meta; values by attname, defaults for the rest."""

    def __init__(self, model: Any, *, with_id: bool, provided: Iterable[str]) -> None:
        from django.db.models import NOT_PROVIDED

        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.columns = [f.column for f in self.fields]
        provided = set(provided)
        self.defaults: dict[str, Any] = {}
        missing = []
        for f in self.fields:
            if f.attname in provided:
                continue
            if f.default is not NOT_PROVIDED and not callable(f.default):
                self.defaults[f.attname] = f.default
            elif f.null:
                self.defaults[f.attname] = None
            elif getattr(f, "blank", False) and f.get_internal_type() in ("CharField", "TextField"):
                self.defaults[f.attname] = ""
            else:
                missing.append(f.attname)
        if missing:
            raise SystemExit(
                f"bench/generate.py does not know how to fill {model.__name__}.{missing}; "
                "update it for the model change."
            )
        unknown = provided - {f.attname for f in self.fields}
        if unknown:
            raise SystemExit(f"{model.__name__} has no field(s) {sorted(unknown)}.")
        self.order = [f.attname for f in self.fields]

    def tuple(self, values: dict[str, Any]) -> tuple[Any, ...]:
        defaults = self.defaults
        return tuple(values[a] if a in values else defaults[a] for a in self.order)

    def copy(self, cursor: Any, rows: Iterable[dict[str, Any]]) -> int:
        table = self.model._meta.db_table
        cols = ", ".join(f'"{c}"' for c in self.columns)
        count = 0
        with cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            for values in rows:
                copy.write_row(self.tuple(values))
                count += 1
        return count


def drop_secondary_indexes(cursor: Any, table: str) -> list[str]:
    """Drop indexes that back no constraint; return their definitions to rebuild later."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = %s AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass
        )
        """,
        [table],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def set_sequence(cursor: Any, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"COALESCE((SELECT max(id) FROM {table}), 1))"
    )


# --- Setup -----------------------------------------------------------------------------------
def setup_reference() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    log("migrated")
    call_command("seed", no_demo=True)
    from seeds.loader import SEEDERS

    names = {name for name, _f, _d in SEEDERS}
    # Until the petitions/tasks seeders are listed in seeds/loader.py, run them here.
    if not any("petition" in n for n in names):
        from seeds.petitions import seed_petition_reference

        seed_petition_reference()
    log("reference data seeded")


def setup_people() -> dict[str, Any]:
    from danvan.org.models import Role, Unit, User
    from danvan.org.services import membership_add

    def person(username: str, unit_code: str, role: str, full: str) -> Any:
        user = User.objects.create_user(username=username, password=PASSWORD, first_name=full)
        membership_add(user=user, unit=Unit.objects.get(code=unit_code), role=role)
        return user

    people = {
        "supervisor": person(SUPERVISOR, PROVINCE, Role.SUPERVISOR, "Giám sát Lâm Đồng"),
        "cadre": person(CADRE, COMMUNE, Role.COMMUNE_CADRE, "Cán bộ xã Di Linh"),
        "handler": person("bench_handler_25000", COMMUNE, Role.PETITION_HANDLER, "Xử lý đơn"),
        "admin": person(ADMIN, "TW", Role.ADMINISTRATOR, "Quản trị"),
    }
    log("benchmark users created: " + ", ".join(u.username for u in people.values()))
    return people


# --- Petitions -------------------------------------------------------------------------------
class PetitionGenerator:
    def __init__(self, total: int, today: date, seed: int = 20261122) -> None:
        from danvan.core.text import fold
        from danvan.org.models import Unit, UnitLevel
        from petitions import clock, services
        from petitions.models import DeadlinePolicy, PetitionField

        self.rng = random.Random(seed)
        self.total = total
        self.today = today
        self.first_day = today - timedelta(days=730)
        self.fold = fold
        self.clock = clock
        self.services = services
        provinces = {
            u.pk: u
            for u in Unit.objects.filter(level=UnitLevel.PROVINCE).only("pk", "code", "name")
        }
        self.communes: list[tuple[int, int, str, str, str]] = [
            (
                u.pk,
                int(u.parent_id or 0),
                u.name,
                fold(u.name),
                provinces[int(u.parent_id or 0)].code,
            )
            for u in Unit.objects.filter(level=UnitLevel.COMMUNE).only("pk", "parent", "name")
        ]
        self.fields = {f.code: f.pk for f in PetitionField.objects.all()}
        self.policies = {
            (p.kind, p.stage): (p.amount, p.day_unit)
            for p in DeadlinePolicy.objects.filter(unit__isnull=True)
        }
        self.deadline_cache: dict[tuple[date, int, str], date] = {}
        self.kinds = weighted(KINDS)
        self.channels = weighted(CHANNELS)
        self.topics = weighted([((t, f), w) for t, f, w in TOPICS])
        self.folded: dict[str, str] = {}
        self.counters: dict[tuple[int, int], int] = {}
        self.people: list[tuple[int, str]] = []  # (petitioner id, full name) for repeats
        self.suspensions: list[dict[str, Any]] = []
        self.next_person = 1
        self.checked = 0
        self.now = datetime.now(UTC)

    def f(self, text: str) -> str:
        """fold() with a cache: the pieces repeat, the composed text is folded piecewise."""
        value = self.folded.get(text)
        if value is None:
            value = self.folded[text] = self.fold(text)
        return value

    def deadline(self, start: date, kind: str, stage: str) -> date | None:
        policy = self.policies.get((kind, stage))
        if policy is None and stage.startswith("resolve"):
            policy = self.policies.get((kind, "resolve"))
        if policy is None:
            return None
        key = (start, policy[0], policy[1])
        due = self.deadline_cache.get(key)
        if due is None:
            due = self.deadline_cache[key] = self.clock.deadline(start, policy[0], policy[1])
        return due

    def days(self) -> Iterator[date]:
        """Received dates, oldest first, a little busier on recent days and on weekdays."""
        span = (self.today - self.first_day).days
        weights = []
        for i in range(span + 1):
            day = self.first_day + timedelta(days=i)
            weights.append((0.3 if day.weekday() >= 5 else 1.0) * (0.8 + 0.4 * i / span))
        scale = self.total / sum(weights)
        made, carry = 0, 0.0
        for i, w in enumerate(weights):
            carry += w * scale
            n = int(carry)
            carry -= n
            if i == span:
                n = self.total - made
            made += n
            day = self.first_day + timedelta(days=i)
            for _ in range(n):
                yield day

    def rows(self, tables: dict[str, Table]) -> Iterator[tuple[str, dict[str, Any]]]:
        """(table key, values) in dependency order per petition."""
        from petitions.models import (
            IDENTITY_PROTECTED_KINDS,
            Petition,
            citizen_id_hash,
            name_hash,
            phone_hash,
        )

        rng = self.rng
        today = self.today
        tz = UTC
        services = self.services
        f = self.f
        for pid, received in enumerate(self.days(), 1):
            commune_id, province_id, commune_name, commune_folded, _pcode = rng.choice(
                self.communes
            )
            r = rng.random()
            if r < 0.80:
                receiving = handling = commune_id
            elif r < 0.92:
                receiving = handling = province_id
            else:
                receiving, handling = commune_id, province_id
            year = received.year
            key = (receiving, year)
            number = self.counters.get(key, 0) + 1
            self.counters[key] = number
            code = f"DT-{year}-{number:06d}"

            kind = rng.choice(self.kinds)
            channel = rng.choice(self.channels)
            topic, field_code = rng.choice(self.topics)
            verb = rng.choice(KIND_VERBS[kind])
            village = f"thôn {rng.randint(1, 12)}"
            summary = f"{verb} {topic} tại {village}, {commune_name}"
            summary_f = f"{f(verb)} {f(topic)} tai {f(village)}, {commune_folded}"
            chosen = rng.sample(SENTENCES, rng.randint(2, 4))
            yr = str(rng.randint(1995, 2020))
            content = " ".join(s.replace("{year}", yr) for s in chosen)
            content_f = " ".join(f(s).replace("{year}", yr) for s in chosen)
            hamlet = rng.randint(1, 12)
            address = f"Thôn {hamlet}, {commune_name}"
            address_f = f"thon {hamlet}, {commune_folded}"
            anonymous = rng.random() < 0.03
            collective = not anonymous and rng.random() < 0.04
            complexity = "normal"
            c = rng.random()
            if c < 0.08:
                complexity = "complex"
            elif c < 0.10:
                complexity = "especially_complex"
            remote = rng.random() < 0.07
            several = kind == "denunciation" and rng.random() < 0.2
            respondent = None
            if kind in ("complaint", "denunciation") and rng.random() < 0.6:
                respondent = rng.choice(RESPONDENTS)

            shape = SimpleNamespace(
                kind=kind,
                several_places=several,
                complexity=complexity,
                instance=1,
                is_remote_area=remote,
            )
            intake = services.intake_stage(shape)
            intake_due = self.deadline(received, kind, intake)
            age = (today - received).days
            p_done = 0.1 if age < 7 else 0.35 if age < 30 else 0.7 if age < 90 else 0.93
            if age > 365:
                p_done = 0.97
            values: dict[str, Any] = {
                "accepted_on": None,
                "finished_on": None,
                "finished_on_time": None,
                "result": "",
                "status_before_suspension": "",
            }
            if rng.random() < p_done:
                outcome = rng.choice(
                    ["resolved"] * 7
                    + ["closed"] * 5
                    + ["guided"] * 4
                    + ["filed", "filed"]
                    + ["papers_returned", "papers_returned"]
                )
                if outcome in ("guided", "filed", "papers_returned"):
                    stage, started, due = intake, received, intake_due
                    finished = received + timedelta(days=rng.randint(1, 16))
                else:
                    accepted = received + timedelta(days=rng.randint(2, 12))
                    stage = services.resolution_stage(shape)
                    started, due = accepted, self.deadline(accepted, kind, stage)
                    values["accepted_on"] = min(accepted, today)
                    finished = accepted + timedelta(days=rng.randint(5, 50))
                    values["result"] = rng.choice(["right", "wrong", "partly_right", "wrong"])
                finished = min(finished, today)
                values["finished_on"] = finished
                values["finished_on_time"] = due is None or finished <= due
                status = outcome
            elif age < 12 or rng.random() < 0.3:
                status, stage, started, due = "received", intake, received, intake_due
            else:
                accepted = received + timedelta(days=rng.randint(1, min(age, 12)))
                stage = services.resolution_stage(shape)
                started, due = accepted, self.deadline(accepted, kind, stage)
                values["accepted_on"] = accepted
                s = rng.random()
                status = "accepted" if s < 0.3 else "under_resolution"
                if s > 0.93 and accepted < today:
                    values["status_before_suspension"] = status
                    status = "suspended"
                    self.suspensions.append(
                        {
                            "petition_id": pid,
                            "started_on": accepted + timedelta(days=(today - accepted).days // 2),
                            "ended_on": None,
                            "reason": "Chờ kết quả giám định, đo đạc lại ranh giới thửa đất.",
                        }
                    )
            created_at = datetime(
                received.year,
                received.month,
                received.day,
                rng.randint(1, 9),
                rng.randint(0, 59),
                tzinfo=tz,
            )
            created_at = min(created_at, self.now)  # rows received today: not in the future
            updated_at = created_at
            if values["finished_on"]:
                fin = values["finished_on"]
                updated_at = datetime(fin.year, fin.month, fin.day, 8, 0, tzinfo=tz)

            names: list[str] = []
            party: dict[str, Any] | None = None
            if not anonymous:
                if self.people and rng.random() < 0.1:
                    person_id, full = rng.choice(self.people)
                else:
                    person_id = self.next_person
                    self.next_person += 1
                    family, middle, given = (
                        rng.choice(FAMILY),
                        rng.choice(MIDDLE),
                        rng.choice(GIVEN),
                    )
                    full = f"{family} {middle} {given}"
                    phone = f"09{rng.randint(0, 99_999_999):08d}" if rng.random() < 0.8 else ""
                    cccd = ""
                    if rng.random() < 0.7:
                        cccd = f"{int(_pcode):03d}{(person_id * 7919 + 12345) % 10**9:09d}"
                    # Clear here; encrypt_prepared() encrypts them as the model field does.
                    person_values = {
                        "id": person_id,
                        "full_name": full,
                        "name_hash": name_hash(full),
                        "citizen_id": cccd,
                        "citizen_id_hash": citizen_id_hash(cccd),
                        "phone": phone,
                        "phone_hash": phone_hash(phone),
                        "address": address,
                        "created_at": created_at,
                    }
                    yield "petitioner", person_values
                    if len(self.people) < 200_000:
                        self.people.append((person_id, full))
                names = [full]
                party = {"petition_id": pid, "petitioner_id": person_id, "position": 0}

            parts = [code.lower(), summary_f, content_f, address_f]
            if respondent:
                parts.append(f(respondent))
            if kind not in IDENTITY_PROTECTED_KINDS and not anonymous:
                parts.extend(f(n) for n in names)
            search_text = " ".join(parts)
            if self.checked < 2000:  # the piecewise fold must equal the app's fold
                # An unsaved model instance, so the app's own properties answer as they do live.
                expected = services.build_search_text(
                    Petition(
                        code=code,
                        summary=summary,
                        content=content,
                        address=address,
                        kind=kind,
                        is_anonymous=anonymous,
                    ),
                    names,
                    [respondent] if respondent else [],
                )
                assert search_text == expected, (search_text, expected)
                self.checked += 1
            lat = lon = None
            if rng.random() < 0.3:
                lat = Decimal(f"{rng.uniform(8.6, 23.3):.6f}")
                lon = Decimal(f"{rng.uniform(102.2, 109.4):.6f}")
            values.update(
                {
                    "id": pid,
                    "code": code,
                    "client_id": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "version": 1,
                    "received_on": received,
                    "channel": channel,
                    "kind": kind,
                    "field_id": self.fields.get(field_code),
                    "summary": summary,
                    "content": content,
                    "location_unit_id": commune_id,
                    "address": address,
                    "latitude": lat,
                    "longitude": lon,
                    "is_eligible": True,
                    "ineligibility_reason": "",
                    "is_anonymous": anonymous,
                    "is_collective": collective,
                    "head_count": rng.randint(5, 40) if collective else 1,
                    "is_remote_area": remote,
                    "several_places": several,
                    "complexity": complexity,
                    "instance": 1,
                    "receiving_unit_id": receiving,
                    "handling_unit_id": handling,
                    "status": status,
                    "clock_stage": stage,
                    "clock_started_on": started,
                    "due_date": due,
                    "search_text": search_text,
                    "created_at": created_at,
                    "updated_at": updated_at,
                }
            )
            yield "petition", values
            if party:
                yield "party", party
            if respondent:
                yield (
                    "respondent",
                    {
                        "petition_id": pid,
                        "kind": "body"
                        if "Ủy ban" in respondent or "Công ty" in respondent or "Ban" in respondent
                        else "person",
                        "name": respondent,
                        "position": "",
                    },
                )
            yield (
                "event",
                {
                    "petition_id": pid,
                    "actor_id": None,
                    "at": created_at,
                    "action": "created",
                    "from_status": "",
                    "to_status": "received",
                    "reason": "",
                    "data": json.dumps({"code": code, "kind": kind, "channel": channel}),
                },
            )


def encrypt_prepared(table: Table) -> None:
    """Route values of encrypted fields through the field's own get_prep_value."""
    from danvan.core.crypto import EncryptedCharField

    encrypted = [f for f in table.fields if isinstance(f, EncryptedCharField)]
    if not encrypted:
        return
    original = table.tuple

    def prepared(values: dict[str, Any]) -> tuple[Any, ...]:
        for field in encrypted:
            if values.get(field.attname):
                values[field.attname] = field.get_prep_value(values[field.attname])
        return original(values)

    table.tuple = prepared  # type: ignore[method-assign]


def generate_petitions(total: int, today: date) -> None:
    from django.db import connection, transaction

    from petitions.models import (
        Petition,
        PetitionCodeCounter,
        Petitioner,
        PetitionEvent,
        PetitionPetitioner,
        Respondent,
        Suspension,
    )

    gen = PetitionGenerator(total, today)
    petition_keys = {
        "id",
        "code",
        "client_id",
        "version",
        "received_on",
        "channel",
        "kind",
        "field_id",
        "summary",
        "content",
        "location_unit_id",
        "address",
        "latitude",
        "longitude",
        "is_eligible",
        "ineligibility_reason",
        "is_anonymous",
        "is_collective",
        "head_count",
        "is_remote_area",
        "several_places",
        "complexity",
        "instance",
        "receiving_unit_id",
        "handling_unit_id",
        "status",
        "status_before_suspension",
        "result",
        "clock_stage",
        "clock_started_on",
        "due_date",
        "accepted_on",
        "finished_on",
        "finished_on_time",
        "search_text",
        "created_at",
        "updated_at",
    }
    tables = {
        "petition": Table(Petition, with_id=True, provided=petition_keys),
        "petitioner": Table(
            Petitioner,
            with_id=True,
            provided={
                "id",
                "full_name",
                "name_hash",
                "citizen_id",
                "citizen_id_hash",
                "phone",
                "phone_hash",
                "address",
                "created_at",
            },
        ),
        "party": Table(
            PetitionPetitioner, with_id=False, provided={"petition_id", "petitioner_id", "position"}
        ),
        "respondent": Table(
            Respondent, with_id=False, provided={"petition_id", "kind", "name", "position"}
        ),
        "event": Table(
            PetitionEvent,
            with_id=False,
            provided={
                "petition_id",
                "actor_id",
                "at",
                "action",
                "from_status",
                "to_status",
                "reason",
                "data",
            },
        ),
    }
    encrypt_prepared(tables["petitioner"])
    big = [Petition, Petitioner, PetitionPetitioner, Respondent, PetitionEvent]

    # One pass over the generator, each table fed through its own COPY: buffer per batch.
    batch = 50_000
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor
        cursor.execute("SET LOCAL session_replication_role = replica")  # FKs checked below
        cursor.execute("SET LOCAL synchronous_commit = off")
        rebuild: list[str] = []
        for model in big:
            rebuild += drop_secondary_indexes(cursor, model._meta.db_table)
        log(f"dropped {len(rebuild)} secondary indexes for the load")
        buffers: dict[str, list[dict[str, Any]]] = {k: [] for k in tables}
        written = dict.fromkeys(tables, 0)
        order = ["petitioner", "petition", "party", "respondent", "event"]

        def flush() -> None:
            for key in order:
                if buffers[key]:
                    written[key] += tables[key].copy(cursor, buffers[key])
                    buffers[key] = []

        started = time.perf_counter()
        count = 0
        for key, values in gen.rows(tables):
            buffers[key].append(values)
            if key == "petition":
                count += 1
                if count % batch == 0:
                    flush()
                    if count % 200_000 == 0 or count == batch:
                        rate = count / (time.perf_counter() - started)
                        log(f"  {count:,} petitions ({rate:,.0f}/s)")
        flush()
        log(f"COPY done: {written}")
        tables_suspension = Table(
            Suspension, with_id=False, provided={"petition_id", "started_on", "ended_on", "reason"}
        )
        tables_suspension.copy(cursor, gen.suspensions)
        counters = Table(
            PetitionCodeCounter, with_id=False, provided={"unit_id", "year", "last_value"}
        )
        counters.copy(
            cursor,
            ({"unit_id": u, "year": y, "last_value": n} for (u, y), n in gen.counters.items()),
        )
        log(f"{len(gen.suspensions):,} suspensions, {len(gen.counters):,} code counters")
        cursor.execute("SET LOCAL maintenance_work_mem = '2GB'")
        cursor.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        for definition in rebuild:
            t = time.perf_counter()
            cursor.execute(definition)
            log(f"  rebuilt in {time.perf_counter() - t:5.1f}s: {definition[:110]}")
        for model in [*big, Suspension, PetitionCodeCounter]:
            set_sequence(cursor, model._meta.db_table)
        check_foreign_keys(cursor, [*big, Suspension, PetitionCodeCounter])
    log(f"petitions committed ({total:,})")


def check_foreign_keys(cursor: Any, models: Sequence[Any]) -> None:
    """The load ran without FK triggers: prove every reference resolves (one anti-join each)."""
    for model in models:
        for field in model._meta.concrete_fields:
            if not field.is_relation or not field.many_to_one:
                continue
            target = field.related_model._meta
            sql = (
                f'SELECT count(*) FROM "{model._meta.db_table}" t WHERE t."{field.column}" IS NOT '
                f'NULL AND NOT EXISTS (SELECT 1 FROM "{target.db_table}" r '
                f'WHERE r."{field.target_field.column}" = t."{field.column}")'
            )
            cursor.execute(sql)
            (broken,) = cursor.fetchone()
            if broken:
                raise SystemExit(f"{broken} broken references in {model.__name__}.{field.name}")
    log("foreign keys verified")


# --- Tasks -----------------------------------------------------------------------------------
def generate_tasks(total: int, today: date, admin: Any) -> None:
    from django.db import connection, transaction

    from danvan.org.models import Unit, UnitLevel
    from tasks.models import Task, TaskAssignment, TaskEvent

    rng = random.Random(42)
    provinces = list(Unit.objects.filter(level=UnitLevel.PROVINCE).values_list("pk", flat=True))
    central = Unit.objects.get(code="TW").pk
    communes: dict[int, list[int]] = {}
    for pk, parent in Unit.objects.filter(level=UnitLevel.COMMUNE).values_list("pk", "parent_id"):
        communes.setdefault(parent, []).append(pk)
    task_keys = {
        "id",
        "client_id",
        "version",
        "created_by_id",
        "created_at",
        "updated_at",
        "number",
        "title",
        "description",
        "source_kind",
        "issuing_unit_id",
        "lead_unit_id",
        "period_start",
        "due_on",
        "period_label",
        "priority",
        "parent_id",
        "cancelled",
        "progress_percent",
        "last_reported_at",
        "completed_on",
        "approved_at",
        "approved_by_id",
    }
    t_task = Table(Task, with_id=True, provided=task_keys)
    t_assign = Table(
        TaskAssignment, with_id=False, provided={"task_id", "unit_id", "role", "due_on"}
    )
    t_event = Table(
        TaskEvent, with_id=False, provided={"task_id", "actor_id", "at", "action", "data"}
    )
    priorities = weighted([("low", 2), ("normal", 10), ("high", 3), ("urgent", 1)])

    def task_values(tid: int, **kw: Any) -> dict[str, Any]:
        issued = kw.pop("issued")
        due = issued + timedelta(days=rng.choice([30, 60, 90, 180, 365]))
        r = rng.random()
        completed = progress = reported = None
        percent = 0
        if r < 0.02:
            cancelled = True
        else:
            cancelled = False
            if (due < today and r < 0.85) or r < 0.35:
                completed = issued + timedelta(days=rng.randint(10, (due - issued).days + 40))
                if completed > today:
                    completed = None
            if completed:
                percent = 100
            elif rng.random() < 0.5:
                percent = rng.choice([10, 20, 30, 50, 70, 80, 90])
            if percent:
                progress = min(today, issued + timedelta(days=rng.randint(5, 60)))
                reported = datetime(progress.year, progress.month, progress.day, 9, tzinfo=UTC)
        created = datetime(issued.year, issued.month, issued.day, 8, tzinfo=UTC)
        title = rng.choice(TASK_TITLES).replace("{year}", str(issued.year))
        values = {
            "id": tid,
            "client_id": None,
            "version": 1,
            "created_by_id": admin.pk,
            "created_at": created,
            "updated_at": reported or created,
            "title": title,
            "description": "Giao các đơn vị triển khai, báo cáo kết quả đúng thời hạn.",
            "period_start": issued,
            "due_on": due,
            "period_label": "",
            "priority": rng.choice(priorities),
            "cancelled": cancelled,
            "progress_percent": percent,
            "last_reported_at": reported,
            "completed_on": completed,
            "approved_at": reported if completed else None,
            "approved_by_id": admin.pk if completed else None,
        }
        values.update(kw)
        return values

    def rows() -> Iterator[tuple[str, dict[str, Any]]]:
        tid = 0
        while tid < total:
            province = rng.choice(provinces)
            issued = today - timedelta(days=rng.randint(0, 730))
            tid += 1
            parent_id = tid
            yield (
                "task",
                task_values(
                    tid,
                    issued=issued,
                    number=rng.randint(1, 9),
                    source_kind="ad_hoc",
                    issuing_unit_id=central,
                    lead_unit_id=province,
                    parent_id=None,
                ),
            )
            yield "assign", {"task_id": tid, "unit_id": province, "role": "lead", "due_on": None}
            yield (
                "event",
                {
                    "task_id": tid,
                    "actor_id": admin.pk,
                    "at": datetime(issued.year, issued.month, issued.day, 8, tzinfo=UTC),
                    "action": "created",
                    "data": "{}",
                },
            )
            for index, commune in enumerate(communes[province], 1):
                if tid >= total:
                    break
                tid += 1
                yield (
                    "task",
                    task_values(
                        tid,
                        issued=issued,
                        number=index,
                        source_kind="cascade",
                        issuing_unit_id=province,
                        lead_unit_id=commune,
                        parent_id=parent_id,
                    ),
                )
                yield "assign", {"task_id": tid, "unit_id": commune, "role": "lead", "due_on": None}
                if rng.random() < 0.15:
                    other = rng.choice(communes[province])
                    if other != commune:
                        yield (
                            "assign",
                            {
                                "task_id": tid,
                                "unit_id": other,
                                "role": "coordinate",
                                "due_on": None,
                            },
                        )
                yield (
                    "event",
                    {
                        "task_id": tid,
                        "actor_id": admin.pk,
                        "at": datetime(issued.year, issued.month, issued.day, 8, tzinfo=UTC),
                        "action": "created",
                        "data": json.dumps({"parent": parent_id}),
                    },
                )

    tables = {"task": t_task, "assign": t_assign, "event": t_event}
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        cursor.execute("SET LOCAL session_replication_role = replica")
        rebuild: list[str] = []
        for model in (Task, TaskAssignment, TaskEvent):
            rebuild += drop_secondary_indexes(cursor, model._meta.db_table)
        buffers: dict[str, list[dict[str, Any]]] = {k: [] for k in tables}
        written = dict.fromkeys(tables, 0)
        for key, values in rows():
            buffers[key].append(values)
            if len(buffers["task"]) >= 20_000:
                for k in ("task", "assign", "event"):
                    written[k] += tables[k].copy(cursor, buffers[k])
                    buffers[k] = []
        for k in ("task", "assign", "event"):
            written[k] += tables[k].copy(cursor, buffers[k])
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for definition in rebuild:
            cursor.execute(definition)
        for model in (Task, TaskAssignment, TaskEvent):
            set_sequence(cursor, model._meta.db_table)
        check_foreign_keys(cursor, [Task, TaskAssignment, TaskEvent])
    log(f"tasks committed: {written}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--petitions", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL.")
    recreate_database(url)
    log(f"database recreated: {url.rsplit('/', 1)[1]}")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    today = args.today or timezone.localdate()
    setup_reference()
    people = setup_people()
    generate_petitions(args.petitions, today)
    generate_tasks(args.tasks, today, people["admin"])
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"VACUUM ANALYZE in {time.perf_counter() - t:.1f}s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        log(f"done; database size {cursor.fetchone()[0]}")


if __name__ == "__main__":
    main()
