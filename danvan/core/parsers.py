"""Request body parsers: JSON whose errors speak the request's language and name the body."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


class BodyParseError(exceptions.ParseError):
    """A body that cannot be read; the error's `fields` name it (`body`)."""

    field = "body"


class JSONParser(parsers.JSONParser):
    """
    DRF's JSON parser answers "JSON parse error - Expecting value: line 1 column 2" in English
    whatever the request's language. The same 400 (`parse_error`), with a translated message
    that says where the body stops being JSON, and `fields` naming the body.
    """

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # JSON nested thousands deep: Python's decoder gives up with a RecursionError,
            # which DRF's parser lets through (a 500 before).
            raise BodyParseError(_("The JSON body is nested too deeply.")) from None
        except exceptions.ParseError as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, json.JSONDecodeError):
                message = _(
                    "The request body is not valid JSON (line %(line)d, column %(column)d)."
                ) % {"line": cause.lineno, "column": cause.colno}
            else:
                message = _("The request body is not valid JSON.")
            raise BodyParseError(message) from exc
