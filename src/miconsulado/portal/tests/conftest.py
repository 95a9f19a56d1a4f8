from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from miconsulado.catalog.models import Office


@pytest.fixture
def catalog(db):
    """The real catalog (59 offices, the procedures and fees) with demo schedules, no slots."""
    call_command("load_demo_data", "--no-slots", stdout=StringIO())
    return Office.objects.count()


@pytest.fixture
def demo(db):
    """The demo data with slots for the coming two weeks."""
    call_command("load_demo_data", "--days", "14", stdout=StringIO())


@pytest.fixture
def spanish() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="es")


@pytest.fixture
def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")
