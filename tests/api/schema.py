"""The OpenAPI document exactly as /api/v1/schema/ serves it, and its operations."""

from __future__ import annotations

import functools
from typing import Any

HTTP_METHODS = ("get", "post", "put", "patch", "delete")

# Served without authentication on purpose; they are not operations of the schema itself
# except the token endpoints, which are listed in the matrix as PUBLIC.
PUBLIC_PATHS = ("/api/v1/schema/", "/api/v1/docs/")


@functools.cache
def openapi_schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def operations() -> list[tuple[str, str]]:
    """(METHOD, path) for every operation the schema documents."""
    paths = openapi_schema()["paths"]
    return sorted(
        (method.upper(), path)
        for path, ops in paths.items()
        for method in ops
        if method in HTTP_METHODS
    )
