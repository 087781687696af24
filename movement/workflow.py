"""
The steps of the movement's records, declared once (danvan.core.records): the API's actions,
the detail's `available_actions` and the pages' forms come from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.request import Request

from danvan.core.records import Step, Workflow
from movement import serializers as s
from movement import services
from movement.models import ModelStatus, MovementModel

# What each status admits (the state machine; the services enforce the same).
_BY_STATUS: dict[str, tuple[str, ...]] = {
    ModelStatus.REGISTERED: ("submit", "recognise", "drop"),
    ModelStatus.UNDER_REVIEW: ("recognise", "drop"),
    ModelStatus.RECOGNISED: ("recognise", "replicate", "keep", "drop"),
    ModelStatus.REPLICATED: ("recognise", "replicate", "keep", "drop"),
    ModelStatus.DROPPED: (),
}


def _model_machine(actor: Any, model: MovementModel) -> Iterable[str]:
    return _BY_STATUS.get(model.status, ())


def _evidence(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    return {"files": [data["file"]], "caption": data.get("caption", "")}


MODEL_WORKFLOW = Workflow(
    record="model",
    gate=services.require_recorder,
    machine=_model_machine,
    governed=frozenset({"submit", "recognise", "replicate", "keep", "drop"}),
    steps=(
        Step(
            "update",
            s.ModelUpdateSerializer,
            services.model_update,
            "Change what was registered",
            method="partial_update",
            route=False,
        ),
        Step(
            "submit",
            None,
            services.model_submit_for_review,
            "Put the model before the steering committee for review",
        ),
        Step(
            "recognise",
            s.RecogniseSerializer,
            services.model_recognise,
            "Recognise the model by a decision of the given unit (its own or one above)",
            gate=services.require_reviewer,
        ),
        Step(
            "replicate",
            s.ReplicateSerializer,
            services.model_replicate,
            "Record where the recognised model was replicated",
            gate=services.require_reviewer,
        ),
        Step(
            "keep",
            s.KeepSerializer,
            services.model_keep,
            "The yearly review keeps the model (still effective)",
            gate=services.require_reviewer,
        ),
        Step(
            "drop",
            s.DropSerializer,
            services.model_drop,
            "Drop the model as formal or ineffective",
            gate=services.require_reviewer,
        ),
        Step(
            "evidence",
            s.EvidenceSerializer,
            services.model_attach_evidence,
            "Attach a photo, scan or document of the model's results",
            arguments=_evidence,
            multipart=True,
            status_code=status.HTTP_201_CREATED,
        ),
    ),
)

REPORT_WORKFLOW = Workflow(
    record="report",
    gate=services.require_reporter,
    steps=(
        Step(
            "correct",
            s.ReportCorrectSerializer,
            services.report_correct,
            "Correct some figures; the old values stay in the history",
        ),
    ),
)

DIALOGUE_WORKFLOW = Workflow(
    record="dialogue",
    gate=services.require_dialogue_recorder,
    steps=(
        Step(
            "update",
            s.DialogueUpdateSerializer,
            services.dialogue_update,
            "Change what was recorded",
            method="partial_update",
            route=False,
        ),
        Step(
            "issues",
            s.IssueRaiseSerializer,
            services.dialogue_add_issue,
            "Record the next issue raised",
            status_code=status.HTTP_201_CREATED,
        ),
        Step(
            "issue_to_petition",
            s.IssueToPetitionSerializer,
            services.dialogue_issue_to_petition,
            "The issue becomes a recommendation or feedback petition, linked back",
            gate=services.require_petition_maker,
            status_code=status.HTTP_201_CREATED,
        ),
        Step(
            "issue_to_task",
            s.IssueToTaskSerializer,
            services.dialogue_issue_to_task,
            "The issue becomes a task given by the dialogue's unit, linked back",
            gate=services.require_task_maker,
            status_code=status.HTTP_201_CREATED,
        ),
        Step(
            "answer",
            s.IssueAnswerSerializer,
            services.dialogue_answer,
            "Record the answer given to an issue",
        ),
    ),
)

EVENT_NAMES: dict[str, Any] = {
    "registered": _("Registered"),
    "updated": _("Changed"),
    "submitted": _("Put up for review"),
    "recognised": _("Recognised"),
    "replicated": _("Replicated"),
    "kept": _("Kept at the yearly review"),
    "dropped": _("Dropped"),
    "evidence_added": _("Evidence attached"),
    "reported": _("Figures reported"),
    "corrected": _("Figures corrected"),
    "dialogue_recorded": _("Dialogue recorded"),
    "dialogue_updated": _("Changed"),
    "issue_raised": _("Issue recorded"),
    "issue_to_petition": _("Issue became a petition"),
    "issue_to_task": _("Issue became a task"),
    "issue_answered": _("Issue answered"),
}
