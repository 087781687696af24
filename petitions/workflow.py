"""
A petition's workflow, declared once: each step's name, input, service and summary. The API's
POST actions (`/petitions/{id}/<step>/`) with their schema, the detail's `available_actions` and
the web page's forms all come from this list (danvan.core.records).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request

from danvan.core.errors import ServiceError
from danvan.core.records import Step, Workflow
from petitions import selectors, services
from petitions import serializers as s
from petitions.models import Notice, NoticeStatus


def _answer(request: Request, v: dict[str, Any]) -> dict[str, Any]:
    answer = services.AnswerInput(
        number=v.pop("answer_number"),
        issued_on=v.pop("answer_issued_on"),
        signer=v.pop("answer_signer"),
        summary=v.pop("answer_summary"),
    )
    return {**v, "answer": answer}


def _other_petition(name: str) -> Any:
    """The body names another petition by id: one the person may see, else a 400 naming it."""

    def arguments(request: Request, v: dict[str, Any]) -> dict[str, Any]:
        try:
            v[name] = selectors.petition_get_for(request.user, v[name])
        except Http404:
            raise ServiceError(
                str(_("This petition does not exist or is outside your units.")), field=name
            ) from None
        return v

    return arguments


def _step(name: str, input: Any, service: Any, summary: str, **options: Any) -> Step:
    return Step(name, input, service, summary, **options)


WORKFLOW = Workflow(
    record="petition",
    gate=services.require_handler,
    machine=services.actions_available_to,
    # "update" is the editors' (the receiving commune's cadres too), not the handlers'.
    governed=frozenset(services.TRANSITIONS) - {"update"},
    steps=(
        Step(
            "update",
            s.PetitionUpdateSerializer,
            services.petition_update,
            "Correct the recorded details",
            gate=services.require_editor,
            method="partial_update",
            route=False,
            available=lambda actor, petition: petition.status in services.TRANSITIONS["update"],
        ),
        _step("accept", s.AcceptSerializer, services.petition_accept, "Accept (thụ lý)"),
        _step(
            "guide",
            s.GuideSerializer,
            services.petition_guide,
            "Guide the petitioner to the competent body",
        ),
        _step(
            "transfer", s.TransferSerializer, services.petition_transfer, "Transfer to another unit"
        ),
        _step(
            "report_transfer",
            s.ReportTransferSerializer,
            services.petition_report_transfer,
            "Report a transferred petition's result back",
        ),
        _step(
            "return_papers",
            s.ReasonSerializer,
            services.petition_return_papers,
            "Return the original papers",
        ),
        _step(
            "file",
            s.FileSerializer,
            services.petition_file,
            "File without action (optionally as a duplicate)",
            method="file_without_action",
        ),
        _step(
            "start_resolution",
            s.OptionalReasonSerializer,
            services.petition_start_resolution,
            "Start resolving",
        ),
        _step(
            "resolve",
            s.ResolveSerializer,
            services.petition_resolve,
            "Resolve with a result and an answer document",
            arguments=_answer,
        ),
        _step("close", s.OptionalReasonSerializer, services.petition_close, "Close"),
        _step(
            "reopen",
            s.ReopenSerializer,
            services.petition_reopen_second_complaint,
            "Reopen as a second complaint",
        ),
        _step(
            "suspend", s.SuspendSerializer, services.petition_suspend, "Suspend (the clock stops)"
        ),
        _step(
            "resume", s.ResumeSerializer, services.petition_resume, "Resume (the clock runs again)"
        ),
        _step(
            "extend",
            s.ExtendSerializer,
            services.petition_extend,
            "Extend the deadline by decision",
        ),
        _step(
            "assign",
            s.AssignSerializer,
            services.petition_assign,
            "Assign to a person of the handling unit",
        ),
        _step(
            "link",
            s.LinkSerializer,
            services.petition_link,
            "Link to another petition",
            arguments=_other_petition("target"),
        ),
        _step(
            "dismiss_duplicate",
            s.DismissDuplicateSerializer,
            services.petition_dismiss_duplicate,
            "Dismiss a duplicate suggestion",
            arguments=_other_petition("candidate"),
        ),
        _step(
            "merge",
            s.MergeSerializer,
            services.petition_merge,
            "Merge another petition into this one (both timelines kept)",
            arguments=_other_petition("absorbed"),
        ),
    ),
)


def _notice_machine(actor: Any, notice: Notice) -> tuple[str, ...]:
    return ("issue", "withdraw") if notice.status == NoticeStatus.DRAFT else ()


NOTICE_WORKFLOW = Workflow(
    record="notice",
    gate=services.require_notice_handler,
    machine=_notice_machine,
    governed=frozenset({"issue", "withdraw"}),
    steps=(
        Step(
            "update",
            s.NoticeUpdateSerializer,
            services.notice_update,
            "Edit the draft: text, addressee, number, signer, date",
            method="partial_update",
            route=False,
            available=lambda actor, notice: notice.status == NoticeStatus.DRAFT,
        ),
        Step(
            "issue",
            s.NoticeIssueSerializer,
            services.notice_issue,
            "Issue the notice: the document is made and sent to the citizen",
        ),
        Step(
            "withdraw",
            s.ReasonSerializer,
            services.notice_withdraw,
            "Withdraw a draft that is not needed",
        ),
    ),
)
