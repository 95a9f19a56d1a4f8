import pytest
from django_tasks import default_task_backend

from miconsulado.testing import make_office, make_procedure, make_slot, make_window


@pytest.fixture(autouse=True)
def _clear_tasks():
    default_task_backend.clear()


@pytest.fixture
def office(db):
    return make_office("wl-office", tz="America/Los_Angeles")


@pytest.fixture
def procedure(db):
    return make_procedure("wl-proc", max_persons=4)


@pytest.fixture
def window(office, procedure):
    return make_window(office, [procedure], desks=2)


@pytest.fixture
def slot(window):
    return make_slot(window, capacity=2)
