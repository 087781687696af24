"""The movement's rules: who may do what at which unit, model states, figures, dialogues."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from danvan.core.errors import Conflict, ServiceError
from danvan.core.versions import PreconditionFailed
from danvan.org.models import Role
from danvan.org.permissions import Forbidden
from movement import selectors, services
from movement.models import (
    DropReason,
    IndicatorValue,
    ModelStatus,
    MovementEvent,
    RecognitionLevel,
    ReportSource,
)
from petitions.models import Channel, Petition
from tests.factories import UserFactory
from tests.movement.factories import make_dialogue, make_model, make_report
from tests.tasks.factories import make_task

pytestmark = pytest.mark.django_db


def _recognise(actor: Any, model: Any, unit: Any, **kwargs: Any) -> Any:
    return services.model_recognise(
        actor=actor,
        model=model,
        recognising_unit=unit,
        decision_number=kwargs.pop("decision_number", "15/QĐ-BCĐ"),
        decision_date=kwargs.pop("decision_date", datetime.date(2026, 1, 15)),
        **kwargs,
    )


def test_a_cadre_registers_a_model_of_their_commune_and_its_first_event_names_them(
    tree: Any, cadre_a: Any
) -> None:
    model = services.model_register(
        actor=cadre_a,
        unit=tree.commune_a1,
        name="Mô hình “Dân vận khéo” hiến đất làm đường giao thông nông thôn",
        field="kinh_te",
        year_started=2025,
        figures={"land_donated_m2": 1500.5},
    )
    assert model.status == ModelStatus.REGISTERED
    assert model.figures == {"land_donated_m2": 1500.5}
    event = MovementEvent.objects.get(model=model)
    assert (event.action, event.actor, event.to_status) == ("registered", cadre_a, "registered")


def test_a_cadre_cannot_register_a_model_of_another_commune(tree: Any, cadre_b: Any) -> None:
    with pytest.raises(Forbidden):
        services.model_register(
            actor=cadre_b, unit=tree.commune_a1, name="X", field="kinh_te", year_started=2025
        )


def test_unknown_indicator_in_figures_is_refused_naming_the_field(tree: Any, cadre_a: Any) -> None:
    with pytest.raises(ServiceError) as refused:
        services.model_register(
            actor=cadre_a,
            unit=tree.commune_a1,
            name="X",
            field="kinh_te",
            year_started=2025,
            figures={"trees_planted": 3},
        )
    assert refused.value.field == "figures"


def test_the_communes_leader_recognises_at_commune_level_the_province_at_province_level(
    tree: Any, supervisor: Any
) -> None:
    commune_leader = UserFactory(memberships=[(tree.commune_a1, Role.SUPERVISOR)])
    model = make_model(tree.commune_a1)
    _recognise(commune_leader, model, tree.commune_a1)
    model.refresh_from_db()
    assert (model.status, model.recognition_level) == ("recognised", RecognitionLevel.COMMUNE)
    # The same leader cannot recognise for the province: their post is in the commune.
    with pytest.raises(Forbidden):
        _recognise(commune_leader, model, tree.province_a, decision_number="2/QĐ-UBND")
    # The province's leader recognises it again, higher, with a certificate of merit.
    _recognise(
        supervisor,
        model,
        tree.province_a,
        decision_number="2/QĐ-UBND",
        award="bang_khen",
        award_by="UBND tỉnh",
    )
    model.refresh_from_db()
    assert (model.recognition_level, model.award, model.recognised_by) == (
        RecognitionLevel.PROVINCE,
        "bang_khen",
        tree.province_a,
    )
    # Not again at the same level.
    with pytest.raises(Conflict):
        _recognise(supervisor, model, tree.province_a, decision_number="3/QĐ-UBND")


def test_a_unit_recognises_only_models_of_its_own_territory(tree: Any, administrator: Any) -> None:
    model = make_model(tree.commune_a1)
    with pytest.raises(ServiceError) as refused:
        _recognise(administrator, model, tree.commune_a2)
    assert refused.value.field == "recognising_unit"


def test_a_supervisor_of_another_province_who_is_a_cadre_here_cannot_recognise(
    tree: Any,
) -> None:
    two_posts = UserFactory(
        memberships=[(tree.province_b, Role.SUPERVISOR), (tree.commune_a1, Role.COMMUNE_CADRE)]
    )
    model = make_model(tree.commune_a1)
    with pytest.raises(Forbidden):
        _recognise(two_posts, model, tree.commune_a1)
    # …but as the commune's cadre they may still edit the register entry.
    services.model_update(actor=two_posts, model=model, results="Đã mở rộng 2 km đường")


def test_the_models_life_registered_review_recognised_replicated_dropped(
    tree: Any, supervisor: Any
) -> None:
    model = make_model(tree.commune_a1)
    services.model_submit_for_review(actor=supervisor, model=model)
    _recognise(supervisor, model, tree.province_a)
    services.model_replicate(actor=supervisor, model=model, replicated_in="Xã Hàm Thuận Bắc")
    services.model_drop(
        actor=supervisor, model=model, reason=DropReason.INEFFECTIVE, note="Không duy trì"
    )
    model.refresh_from_db()
    assert model.status == ModelStatus.DROPPED
    steps = list(MovementEvent.objects.filter(model=model).values_list("action", "to_status"))
    assert steps == [
        ("registered", "registered"),
        ("submitted", "under_review"),
        ("recognised", "recognised"),
        ("replicated", "replicated"),
        ("dropped", "dropped"),
    ]
    with pytest.raises(Conflict):
        _recognise(supervisor, model, tree.province_a)


def test_a_stale_version_is_refused_under_the_lock(tree: Any, supervisor: Any) -> None:
    model = make_model(tree.commune_a1)
    services.model_update(actor=supervisor, model=model, expected_version=1, results="Một")
    with pytest.raises(PreconditionFailed):
        services.model_update(actor=supervisor, model=model, expected_version=1, results="Hai")


def test_yearly_review_lists_recognised_models_not_reviewed_this_year_and_reviews_many(
    tree: Any, supervisor: Any
) -> None:
    old = [make_model(tree.commune_a1, name=f"Mô hình {i}") for i in range(3)]
    for model in old:
        _recognise(supervisor, model, tree.commune_a1, decision_date=datetime.date(2021, 6, 1))
    fresh = make_model(tree.commune_a1, name="Mô hình mới")
    _recognise(supervisor, fresh, tree.commune_a1, decision_date=datetime.date(2026, 6, 1))
    due = selectors.models_due_for_review(supervisor, 2026)
    assert {m.pk for m in due} == {m.pk for m in old}
    services.models_review(actor=supervisor, models=old[:2], year=2026, outcome="keep")
    services.models_review(
        actor=supervisor, models=old[2:], year=2026, outcome="drop", reason="hinh_thuc"
    )
    assert not selectors.models_due_for_review(supervisor, 2026).exists()
    assert [m.status for m in MovementModelQuery(old)] == ["recognised", "recognised", "dropped"]


def MovementModelQuery(models: list[Any]) -> list[Any]:
    for model in models:
        model.refresh_from_db()
    return models


def test_a_review_of_many_is_all_or_nothing(tree: Any, supervisor: Any) -> None:
    ours = make_model(tree.commune_a1)
    _recognise(supervisor, ours, tree.commune_a1)
    theirs = make_model(tree.commune_b1)
    with pytest.raises(Forbidden):
        services.models_review(
            actor=supervisor, models=[ours, theirs], year=2026, outcome="drop", reason="hinh_thuc"
        )
    ours.refresh_from_db()
    assert ours.status == "recognised" and ours.last_reviewed_year is None


def test_a_correction_keeps_the_old_figure_in_the_history(tree: Any, cadre_a: Any) -> None:
    report = make_report(tree.commune_a1, values={"workdays": 120, "meetings_held": 3})
    services.report_correct(
        actor=cadre_a, report=report, values={"workdays": 125}, reason="Cộng sót một thôn"
    )
    rows = list(
        IndicatorValue.objects.filter(report=report, indicator__code="workdays").order_by("id")
    )
    assert [(r.value, r.current) for r in rows] == [
        (Decimal("120.00"), False),
        (Decimal("125.00"), True),
    ]
    assert rows[1].reason == "Cộng sót một thôn"
    with pytest.raises(ServiceError) as refused:
        services.report_correct(actor=cadre_a, report=report, values={"workdays": 1}, reason=" ")
    assert refused.value.field == "reason"


def test_figures_roll_up_the_tree_units_with_figures_only(tree: Any) -> None:
    make_report(tree.commune_a1, values={"workdays": 100, "land_donated_m2": 500})
    make_report(
        tree.commune_a1,
        values={"workdays": 50},
        start=datetime.date(2025, 4, 1),
        end=datetime.date(2025, 6, 30),
    )
    make_report(tree.village_a1, values={"workdays": 7})
    make_report(tree.commune_a2, values={"workdays": 30})
    make_report(tree.commune_b1, values={"workdays": 1000})  # another province
    make_report(
        tree.commune_a2,
        values={"workdays": 9},
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2024, 3, 31),
    )
    rows = {
        r.indicator.code: r
        for r in selectors.rollup(
            tree.province_a, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
        )
    }
    assert rows["workdays"].total == Decimal("187.00")
    assert [(u.name, v) for u, v in rows["workdays"].by_unit] == [
        ("Xã Di Linh", Decimal("157.00")),
        ("Xã Hàm Thuận Bắc", Decimal("30.00")),
    ]
    assert rows["land_donated_m2"].total == Decimal("500.00")
    assert rows["meetings_held"].total is None
    country = {
        r.indicator.code: r
        for r in selectors.rollup(
            tree.central, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
        )
    }
    assert country["workdays"].total == Decimal("1187.00")
    assert [u.name for u, _v in country["workdays"].by_unit] == ["Lai Châu", "Lâm Đồng"]


def test_a_corrected_figure_counts_once_in_the_roll_up(tree: Any, cadre_a: Any) -> None:
    report = make_report(tree.commune_a1, values={"workdays": 100})
    services.report_correct(actor=cadre_a, report=report, values={"workdays": 80}, reason="Sai")
    rows = {
        r.indicator.code: r
        for r in selectors.rollup(
            tree.commune_a1, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
        )
    }
    assert rows["workdays"].total == Decimal("80.00")


def test_progress_report_figures_count_in_the_indicators(tree: Any, cadre_a: Any) -> None:
    from tasks import services as task_services

    task = make_task(
        issuing_unit=tree.province_a, lead_unit=tree.commune_a1, due_on=datetime.date(2026, 12, 31)
    )
    report = task_services.progress_report_submit(
        actor=cadre_a,
        task=task,
        text="Vận động hiến đất",
        percent=50,
        figures={"land_donated_m2": 250, "workdays": 40},
        reported_on=datetime.date(2026, 3, 2),
    )
    made = report.indicator_report
    assert made.source == ReportSource.PROGRESS and made.unit == tree.commune_a1
    rows = {
        r.indicator.code: r
        for r in selectors.rollup(
            tree.province_a, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
        )
    }
    assert rows["land_donated_m2"].total == Decimal("250.00")


def test_an_issue_raised_at_a_dialogue_becomes_a_petition_linked_back(
    tree: Any, cadre_a: Any
) -> None:
    dialogue = make_dialogue(tree.commune_a1)
    issue = services.dialogue_issue_to_petition(
        actor=cadre_a, dialogue=dialogue, number=1, kind="recommendation"
    )
    petition = Petition.objects.get(pk=issue.petition_id)
    assert petition.channel == Channel.DIALOGUE
    assert petition.kind == "recommendation"
    assert petition.receiving_unit == tree.commune_a1
    assert list(petition.dialogue_issues.all()) == [issue]
    with pytest.raises(Conflict):
        services.dialogue_issue_to_petition(
            actor=cadre_a, dialogue=dialogue, number=1, kind="feedback"
        )


def test_an_issue_becomes_a_task_only_for_the_units_leaders(
    tree: Any, cadre_a: Any, supervisor: Any
) -> None:
    dialogue = make_dialogue(tree.commune_a1)
    with pytest.raises(Forbidden):
        services.dialogue_issue_to_task(
            actor=cadre_a, dialogue=dialogue, number=1, lead_unit=tree.commune_a1
        )
    issue = services.dialogue_issue_to_task(
        actor=supervisor,
        dialogue=dialogue,
        number=1,
        lead_unit=tree.commune_a1,
        due_on=datetime.date(2026, 12, 31),
    )
    assert issue.task.issuing_unit == tree.commune_a1
    assert issue.task.dialogue_issues.get() == issue


def test_an_answer_is_recorded_and_an_unknown_issue_number_is_refused(
    tree: Any, cadre_a: Any
) -> None:
    dialogue = make_dialogue(tree.commune_a1)
    issue = services.dialogue_answer(
        actor=cadre_a, dialogue=dialogue, number=1, answer="Đã có phương án", resolved=True
    )
    assert issue.resolved and issue.outcome == "answered"
    with pytest.raises(ServiceError) as refused:
        services.dialogue_answer(actor=cadre_a, dialogue=dialogue, number=9, answer="?")
    assert refused.value.field == "number"
