"""The JSON API's shared shapes: the error body, and bounded integers for ids and pages.

Every router takes its integer parameters through these types, so a huge number (an offset
past the database's range, a 5,000-digit id) is a 422 in the product's words before any query
runs. Pydantic's lax integer parsing accepts only ASCII digits, so `²` or `١٢` are 422 too.
"""

from typing import Annotated

from ninja import Field, Schema

# The database's integer columns are at most 64-bit signed (SQLite, PostgreSQL bigint).
MAX_ID = 2**63 - 1
# An offset past a few million rows pages nowhere useful; the bound keeps OFFSET + LIMIT
# within every backend's range.
MAX_OFFSET = 10_000_000
MAX_LIMIT = 100

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="Rows to skip")]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Rows to return, 1–100")]


class PageQuery(Schema):
    """`limit` and `offset` of a list; a list's own filters subclass it."""

    limit: Limit = 20
    offset: Offset = 0


class FieldErrorOut(Schema):
    loc: list[str | int] = Field(..., description="Where: body, query, path, then the field")
    field: str
    type: str = Field(..., description="A stable machine code, e.g. missing, int_parsing")
    message: str = Field(..., description="What is wrong, in the user's language")


class ErrorOut(Schema):
    """Every error of the API: a stable code and a message in the user's language."""

    code: str
    message: str
    field: str | None = Field(None, description="The input the refusal is about")
    errors: list[FieldErrorOut] | None = Field(None, description="422: every bad input")
