"""'Nhập ngày nghỉ cả năm': a CSV file or the holidays package, previewed, then saved at once."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from danvan.calendar.models import CalendarEvent, CalendarException
from danvan.calendar.selectors import is_working_day
from danvan.calendar.services import calendar_exception_add
from danvan.org.models import Role
from tests.factories import UserFactory

LIST = "/admin/calendar/calendarexception/"
IMPORT = f"{LIST}import/"

# 2027: Monday 04/01 is a bridged day off, paid back on Saturday 09/01; 05/03 is a
# Friday. 01/01/2027 is already a holiday by law.
CSV = (
    "Ngày; Tên; Loại\n"
    "04/01/2027; Nghỉ bù Tết Dương lịch (Thông báo 1/TB-VPCP); nghỉ\n"
    "09/01/2027; Làm bù cho ngày 04/01/2027; làm việc\n"
    "05/03/2027; Nghỉ theo quyết định của tỉnh;\n"
    "01/01/2027; Tết Dương lịch; nghỉ\n"
    "16/01/2027; Nghỉ thứ Bảy; nghỉ\n"
).encode()


def _upload(content: bytes, name: str = "ngay-nghi-2027.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def _preview(client: Any, content: bytes) -> Any:
    return client.post(IMPORT, {"source": "csv", "file": _upload(content), "preview": "1"})


def _table(html: str, group: str) -> str:
    start = html.index(f'id="import-{group}"')
    return html[start : html.index("</table>", start)]


def test_the_list_offers_the_whole_year_import(client, administrator):
    client.force_login(administrator)
    page = client.get(LIST).content.decode()
    assert "Nhập ngày nghỉ cả năm" in page
    assert IMPORT in page


def test_a_csv_is_previewed_and_nothing_is_saved(client, administrator):
    calendar_exception_add(
        actor=administrator, day=date(2027, 1, 16), kind="working_day", name="Làm bù (nhập tay)"
    )
    client.force_login(administrator)

    response = _preview(client, CSV)

    assert response.status_code == 200
    html = response.content.decode()
    new, present, conflict = (_table(html, g) for g in ("new", "present", "conflict"))
    assert "04/01/2027" in new and "09/01/2027" in new and "05/03/2027" in new and "(3)" in new
    assert "01/01/2027" in present and "đã như vậy theo luật" in present
    assert "16/01/2027" in conflict  # that Saturday was made a working day by hand
    assert "Lưu 3 ngày mới" in html
    assert CalendarException.objects.count() == 1  # the preview saved nothing
    assert CalendarEvent.objects.count() == 1


def test_confirming_saves_the_new_days_at_once_and_a_second_import_adds_nothing(
    client, administrator
):
    client.force_login(administrator)
    payload = _payload(_preview(client, CSV))

    response = client.post(IMPORT, {"payload": payload, "confirm": "1"}, follow=True)

    assert response.redirect_chain[-1][0] == LIST
    assert "Đã thêm 3 ngày vào lịch." in response.content.decode()
    saved = dict(CalendarException.objects.values_list("day", "kind"))
    assert saved == {
        date(2027, 1, 4): "day_off",
        date(2027, 1, 9): "working_day",
        date(2027, 3, 5): "day_off",
    }
    assert not is_working_day(date(2027, 3, 5)) and is_working_day(date(2027, 1, 9))
    assert CalendarException.objects.get(day=date(2027, 1, 4)).created_by == administrator

    again = _preview(client, CSV).content.decode()  # the same file, a second time
    assert "(0)" in _table(again, "new")
    assert 'id="import-confirm"' not in again
    assert "Không có gì mới" in again
    client.post(IMPORT, {"payload": payload, "confirm": "1"})  # a replayed confirmation
    assert CalendarException.objects.count() == 3


def _payload(response: Any) -> str:
    html = response.content.decode()
    start = html.index('name="payload" value="') + len('name="payload" value="')
    return html[start : html.index('"', start)]


def test_errors_name_the_line_in_vietnamese_and_block_the_save(client, administrator):
    client.force_login(administrator)
    content = (
        "04/01/2027; Nghỉ bù; nghỉ\n"
        "31/02/2027; Ngày không có; nghỉ\n"
        "09/01/2027; Làm bù; đi chơi\n"
        "10/01/2027; ; nghỉ\n"
        "04/01/2027; Trùng; nghỉ\n"
    ).encode()

    response = _preview(client, content)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Dòng 2: “31/02/2027” không phải là ngày" in html
    assert "Dòng 3: “đi chơi” không phải là loại ngày" in html
    assert "Dòng 4: ngày chưa có tên." in html
    assert "Dòng 5: 04/01/2027 đã có ở dòng 1." in html
    assert 'id="import-confirm"' not in html
    assert not CalendarException.objects.exists()


def test_a_file_that_is_not_a_csv_is_refused_with_a_reason(client, administrator):
    client.force_login(administrator)
    response = _preview(client, b"\xff\xfe\x00binary")
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    response = client.post(IMPORT, {"source": "csv", "preview": "1"})
    assert response.status_code == 400
    assert "Chọn tệp CSV cần nhập." in response.content.decode()


def test_the_holidays_package_for_a_year(client, administrator):
    """The package's days are the law already: the preview says so, and nothing doubles."""
    calendar_exception_add(
        actor=administrator, day=date(2026, 9, 1), kind="working_day", name="Làm việc (thử)"
    )
    client.force_login(administrator)

    response = client.post(IMPORT, {"source": "package", "year": "2026", "preview": "1"})

    assert response.status_code == 200
    html = response.content.decode()
    present = _table(html, "present")
    assert "17/02/2026" in present and "Tết Nguyên Đán" in present
    assert "22/08/2026" in present  # the Saturday worked in exchange for 31/08
    assert "01/09/2026" in _table(html, "conflict")
    assert "Không có gì mới" in html
    assert CalendarException.objects.count() == 1


def test_the_holidays_package_adds_what_the_calendar_lacks(client, administrator, monkeypatch):
    """A year whose package days are not in force yet (here: simulated) are added."""
    from danvan.calendar import imports

    monkeypatch.setattr(imports.index, "statutory_is_working", lambda day: True)
    client.force_login(administrator)
    preview = client.post(IMPORT, {"source": "package", "year": "2026", "preview": "1"})
    new = _table(preview.content.decode(), "new")
    assert "Tết Dương lịch" in new
    monkeypatch.undo()


def test_a_province_administrator_cannot_import(client, tree):
    province_admin = UserFactory(
        username="quantri_a", memberships=[(tree.province_a, Role.ADMINISTRATOR)]
    )
    client.force_login(province_admin)
    assert client.get(IMPORT).status_code == 403
    assert "Nhập ngày nghỉ cả năm" not in client.get(LIST).content.decode()


def test_the_preview_reads_the_calendar_once_whatever_the_number_of_lines(
    client, administrator, django_assert_max_num_queries
):
    client.force_login(administrator)
    _preview(client, CSV)  # warm the per-process caches (permissions, calendar)
    many = "".join(f"{day:02d}/03/2027; Nghỉ {day}; nghỉ\n" for day in range(1, 29)).encode()
    # session, user, memberships, 2 of permissions; ONE for the exceptions of every day in
    # the file (the law comes from the holidays package, in memory); then the admin's
    # sidebar, whose national-setting sections each look the root unit up (6).
    with django_assert_max_num_queries(12) as few:
        _preview(client, CSV)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert _preview(client, many).status_code == 200
