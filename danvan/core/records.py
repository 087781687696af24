"""
The API of a versioned record, declared once (docs/api.md, "One contract").

Petitions, tasks, directives, meetings and notifications share one plumbing:

- a **detail** answers with its `ETag` and a 304 to a current `If-None-Match`
  (danvan.core.versions);
- a **create** runs once per idempotency key (danvan.core.idempotency) and answers 201, or 200
  with the first record for a retry;
- **sync** and **timeline** have one shape each (danvan.core.sync, danvan.core.timeline);
- a **step** of a workflow (accept a petition, approve a task, replace a directive…) is a
  `Step`: its name, input serializer, service and summary. `@record_api(…)` turns each step
  into the POST action, its schema entry and its write gate; `Workflow.available_to` lists the
  steps a person may take now (the detail's `available_actions`, the web page's forms).
  Every step hands the `If-Match` version to its service, which checks it under the row lock.

A viewset mixes in `RecordViewSetMixin`, says how it reads its records (`scoped_record`,
`detail_record`) and is decorated with `record_api`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from danvan.core.errors import ServiceError
from danvan.core.gates import WriteGateMixin
from danvan.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from danvan.core.idempotency import create_once
from danvan.core.parsers import JSONParser
from danvan.core.sync import SYNC_PARAMETERS, sync_response, sync_schema
from danvan.core.timeline import TimelineEventSerializer, TimelinePagination, timeline_response
from danvan.core.versions import PreconditionFailed, etag, expected_version, not_modified

R = TypeVar("R", bound=Model)

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag of the detail; a stale one gets 412 and nothing is written.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag the client holds: 304 without a body while it is current.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "1 to 64 visible ASCII characters chosen by the client: a retry answers the first "
        "record (200); the same key with another body is a 422."
    ),
)


@dataclass(frozen=True)
class Step:
    """
    One step of a record's workflow. The service is called as
    `service(actor=…, <record>=…, expected_version=…, **arguments)`, where the arguments are
    the input's validated data, or what `arguments(request, data)` makes of them.
    """

    name: str
    input: type[serializers.Serializer] | None
    service: Callable[..., Any]
    summary: str
    gate: Callable[[Any, Any], None] | None = None
    url_path: str | None = None
    method: str | None = None
    arguments: Callable[[Request, dict[str, Any]], dict[str, Any]] | None = None
    # How the answer is made from (view, record, result); default: the record's detail.
    respond: Callable[[Any, Any, Any], Response] | None = None
    response_schema: Any = None
    status_code: int = status.HTTP_200_OK
    multipart: bool = False
    # Whether `actor` may take the step on `record` now (beyond the gate); default: yes.
    available: Callable[[Any, Any], bool] | None = None
    # False: the viewset routes the step itself (PATCH, DELETE, a GET+POST endpoint); the
    # declaration still gives its gate and its place in `available_actions`.
    route: bool = True
    # False: no gate before the body is read (the service's rule needs the body: a task
    # given by a unit other than the meeting's organiser).
    gated: bool = True

    @property
    def attribute(self) -> str:
        return self.method or self.name

    @property
    def path(self) -> str:
        return self.url_path or self.name.replace("_", "-")


@dataclass(frozen=True)
class Workflow:
    """
    The steps of one kind of record, and who may take which now: each step's gate (its own,
    else the workflow's; each rule asked once), the record's state machine for the steps it
    governs (`machine(actor, record)` -> the names it admits now), then each step's
    `available`.
    """

    record: str
    steps: tuple[Step, ...]
    gate: Callable[[Any, Any], None] | None = None
    machine: Callable[[Any, Any], Iterable[str]] | None = None
    governed: frozenset[str] = frozenset()
    names: Mapping[str, Step] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", {step.name: step for step in self.steps})

    def step(self, name: str) -> Step:
        return self.names[name]

    def gate_of(self, step: Step) -> Callable[[Any, Any], None] | None:
        return (step.gate or self.gate) if step.gated else None

    def available_to(self, actor: Any, record: Any, only: Iterable[str] | None = None) -> list[str]:
        """The steps `actor` may take on `record` now (of `only`, when a page asks for a few)."""
        passed: dict[Any, bool] = {}

        def allowed(gate: Callable[[Any, Any], None] | None) -> bool:
            if gate is None:
                return True
            if gate not in passed:  # each rule asked once, however many steps share it
                try:
                    gate(actor, record)
                    passed[gate] = True
                except ServiceError:
                    passed[gate] = False
            return passed[gate]

        wanted = None if only is None else set(only)
        steps = [
            step
            for step in self.steps
            if (wanted is None or step.name in wanted) and allowed(self.gate_of(step))
        ]
        governed = [step for step in steps if step.name in self.governed]
        admitted = set(self.machine(actor, record)) if governed and self.machine else set()
        found = []
        for step in steps:
            if step.name in self.governed and step.name not in admitted:
                continue
            try:
                if step.available is not None and not step.available(actor, record):
                    continue
            except ServiceError:
                continue
            found.append(step.name)
        return found


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class AvailableActionsField(serializers.Field):
    """
    A detail's `available_actions`: the steps of `workflow` (a dotted path, read when first
    used: the workflow's inputs are serializers of the same app) the person asking may take
    now — what an app shows as buttons.
    """

    def __init__(self, workflow: str, **kwargs: Any) -> None:
        self.workflow_path = workflow
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, record: Any) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        workflow: Workflow = import_string(self.workflow_path)
        return workflow.available_to(request.user, record)


class RecordViewSetMixin(WriteGateMixin):
    """
    The runtime half of the contract. A viewset provides:
    - `scoped_record(pk)`: the record if the person may see it (else Http404);
    - `detail_record(pk)`: the same record read for its detail (prefetches);
    - `detail_serializer_class`: the detail's serializer;
    - `timeline_events(record)`, `action_names` for its timeline;
    - `sync_changed()` and, where records are deleted, `sync_deleted()`.
    """

    detail_serializer_class: ClassVar[type[serializers.BaseSerializer]]
    filterset_class: Any = None  # a viewset's list filters, if it has any
    action_names: ClassVar[Mapping[str, Any]] = {}
    sync_aliases: ClassVar[bool] = False
    workflow: ClassVar[Workflow | None] = None

    @property
    def actor(self) -> Any:
        """The signed-in person (every API view requires authentication)."""
        return self.request.user  # type: ignore[attr-defined]

    def scoped_record(self, pk: Any) -> Any:  # pragma: no cover - every viewset defines it
        raise NotImplementedError

    def detail_record(self, pk: Any) -> Any:
        """The record read for its detail: by default from the list's queryset."""
        return self.get_queryset().get(pk=pk)  # type: ignore[attr-defined]

    def get_object(self) -> Any:
        pk = self.kwargs["pk"]  # type: ignore[attr-defined]
        if not str(pk).isdigit():
            raise Http404  # ids are whole numbers; anything else names no record
        try:
            record = self.scoped_record(int(pk))
        except Http404:
            self._refuse_write_on_tombstone(int(pk))
            raise
        self.check_object_permissions(self.request, record)  # type: ignore[attr-defined]
        return self.gate_write(record)

    def _refuse_write_on_tombstone(self, pk: int) -> None:
        """
        A conditional write on a record deleted since the client read it is a 412 (RFC 9110:
        If-Match fails when there is no current representation), not a 404: of two people
        deleting with one ETag, the second learns that the record changed. Only for records
        the person could see (their tombstones); anything else stays a 404.
        """
        if not self.request.headers.get("If-Match"):  # type: ignore[attr-defined]
            return
        tombstones = self.sync_deleted()
        if tombstones is not None and tombstones.filter(pk=pk).exists():
            raise PreconditionFailed(
                str(_("This record was deleted by someone else after you read it."))
            )

    def detail_response(
        self, record: Any, status_code: int = status.HTTP_200_OK, *, read: bool = True
    ) -> Response:
        """The record's detail and ETag; read again unless `read=False` (`record` is whole)."""
        fresh = self.detail_record(record.pk) if read else record
        context = self.get_serializer_context()  # type: ignore[attr-defined]
        data = self.detail_serializer_class(fresh, context=context).data
        return Response(data, status=status_code, headers={"ETag": etag(fresh)})

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        return not_modified(request, record) or self.detail_response(record)

    def create_once(
        self,
        model: type[R],
        create: Callable[..., tuple[R, bool]],
        body_key: Any = None,
        *,
        keyed: bool = False,
    ) -> Response:
        """
        An idempotent create, answered with the record's detail (201, or 200 for a retry).
        A record the create left whole (`created_detail`) is answered as it is, not read again.
        """
        request = self.request  # type: ignore[attr-defined]
        record, created = create_once(request, model, create, body_key=body_key, keyed=keyed)
        whole = self.created_detail(record) if created else None
        if whole is not None:
            return self.detail_response(whole, status.HTTP_201_CREATED, read=False)
        return self.detail_response(
            record, status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def created_detail(self, record: Any) -> Any:
        """
        The record just created as its detail shows it, when the create left it whole
        (related rows loaded, empty relations known empty): its 201 needs no second read.
        None (the default): read it again.
        """
        return None

    def run_step(self, step: Step, request: Request) -> Response:
        record = self.get_object()
        values: dict[str, Any] = {}
        if step.input is not None:
            data = step.input(data=request.data, context=self.get_serializer_context())  # type: ignore[attr-defined]
            data.is_valid(raise_exception=True)
            values = dict(data.validated_data)
        arguments = step.arguments(request, values) if step.arguments else values
        assert self.workflow is not None
        result = step.service(
            actor=request.user,
            **{self.workflow.record: record},
            expected_version=expected_version(request, record),
            **arguments,
        )
        if step.respond is not None:
            return step.respond(self, record, result)
        return self.detail_response(record, step.status_code)

    def timeline_events(self, record: Any) -> QuerySet[Any]:  # pragma: no cover
        raise NotImplementedError

    def sync_changed(self) -> QuerySet[Any]:
        """The live rows a sync carries: the list's rows (its scope), without its filters."""
        return self.get_queryset()  # type: ignore[attr-defined]

    def sync_deleted(self) -> QuerySet[Any] | None:
        return None

    def sync_rows(self, rows: list[Any]) -> Any:
        return self.get_serializer(rows, many=True).data  # type: ignore[attr-defined]


def _step_action(step: Step, detail_schema: Any, errors: Mapping[int, Any]) -> Any:
    def handler(self: RecordViewSetMixin, request: Request, pk: Any = None) -> Response:
        return self.run_step(step, request)

    handler.__name__ = step.attribute
    handler.__doc__ = step.summary
    parsers = [MultiPartParser] if step.multipart else [JSONParser]
    request_schema: Any = step.input
    if step.multipart and step.input is not None:
        request_schema = {"multipart/form-data": step.input}
    responses = {step.status_code: step.response_schema or detail_schema, **errors}
    decorated = action(
        detail=True,
        methods=["post"],
        url_path=step.path,
        parser_classes=parsers,
        pagination_class=None,
        filterset_class=None,
    )(handler)
    return extend_schema(
        request=request_schema, responses=responses, parameters=[IF_MATCH], summary=step.summary
    )(decorated)


def record_api(
    *,
    name: str,
    detail: Any,
    row: Any,
    workflow: Workflow | None = None,
    timeline: bool = True,
    sync: bool = True,
    errors: Mapping[int, Any] | None = None,
) -> Callable[[type], type]:
    """
    Class decorator: the detail's schema (ETag, If-None-Match), the timeline and sync actions
    and one POST action per workflow step, each with its schema entry and write gate.
    """
    errors = dict(errors or {})

    def install(cls: type) -> type:
        cls.detail_serializer_class = detail  # type: ignore[attr-defined]
        cls.workflow = workflow  # type: ignore[attr-defined]
        cls.retrieve = extend_schema(  # type: ignore[attr-defined]
            responses={200: detail, 304: OpenApiResponse(description="Not modified.")},
            parameters=[IF_NONE_MATCH],
        )(_copy(RecordViewSetMixin.retrieve))
        if timeline:

            def timeline_(self: RecordViewSetMixin, request: Request, pk: Any = None) -> Response:
                record = self.get_object()
                return timeline_response(
                    request, self, self.timeline_events(record), self.action_names
                )

            timeline_.__name__ = "timeline"
            timeline_.__doc__ = f"The {name.lower()}'s events, oldest first."
            cls.timeline = extend_schema(responses=TimelineEventSerializer(many=True))(  # type: ignore[attr-defined]
                action(
                    detail=True,
                    methods=["get"],
                    pagination_class=TimelinePagination,
                    filterset_class=None,
                )(timeline_)
            )
        if sync:

            def sync_(self: RecordViewSetMixin, request: Request) -> Response:
                return sync_response(
                    request,
                    self.sync_changed(),
                    self.sync_rows,
                    deleted=self.sync_deleted(),
                    aliases=self.sync_aliases,
                )

            sync_.__name__ = "sync"
            sync_.__doc__ = (
                f"{name}s changed or deleted after a point, oldest change first; "
                "call again with updated_since=until&after_id=until_id while has_more."
            )
            aliases = bool(getattr(cls, "sync_aliases", False))
            cls.sync = extend_schema(  # type: ignore[attr-defined]
                parameters=SYNC_PARAMETERS,
                responses=sync_schema(f"{name}Sync", row, aliases=aliases),
            )(
                # One parameter set for every sync: no list filters (a deleted row has none).
                action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)(
                    sync_
                )
            )
        if workflow is not None:
            gates = dict(getattr(cls, "write_gates", {}))
            for step in workflow.steps:
                if step.route:
                    setattr(cls, step.attribute, _step_action(step, detail, errors))
                gate = workflow.gate_of(step)
                if gate is not None:
                    gates[step.attribute] = gate
            cls.write_gates = gates  # type: ignore[attr-defined]
        return cls

    return install


def _copy(function: Callable[..., Any]) -> Callable[..., Any]:
    """A fresh function object, so a schema decorator does not touch the mixin's own."""

    def retrieve(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        return function(self, request, *args, **kwargs)

    retrieve.__doc__ = function.__doc__
    return retrieve
