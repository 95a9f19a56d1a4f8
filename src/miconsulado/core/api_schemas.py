"""Bases for the API's request bodies and for answers built from plain data.

ninja's `Schema` reads what it validates through its `DjangoGetter`, which exists for model
instances (related managers, callables, files); with `extra="forbid"` it also validates each input
twice, and nested ones four times. Bodies arrive as JSON and our operations answer with dicts, so
plain pydantic gives the same values and the same OpenAPI document for less work (decision 0005).
Every schema of the API derives from one of these; `ninja.Schema` is for answers validated straight
from model instances, which no operation does.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Input(BaseModel):
    """A request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    """An answer an operation builds as a dict."""


# Declared by each app's operations, rendered by the API edge (wiring/api/errors.py).
class ErrorOut(Output):
    """Every error response of the API."""

    code: str
    message: str
    errors: dict[str, list[str]]
