"""An event of core's tests, so that they need no app's events."""

from dataclasses import dataclass

from miconsulado.core.events import Event


@dataclass(frozen=True, kw_only=True)
class Pinged(Event, name="core.tests.pinged"):
    what: str
    n: int
