"""Schedule configuration is validated where staff edit it (the admin runs full_clean)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from miconsulado.scheduling.models import ExtraSession, OfficeSchedule, ServiceWindow


def test_unknown_host_subdivision(make_office):
    schedule = OfficeSchedule.objects.get(office=make_office("toronto"))
    schedule.host_subdivision = "TX"  # a US state, not a Canadian province
    with pytest.raises(ValidationError) as error:
        schedule.full_clean()
    assert "host_subdivision" in error.value.message_dict
    assert "TX" in error.value.message_dict["host_subdivision"][0]


def test_host_subdivision_is_normalised(make_office):
    schedule = OfficeSchedule.objects.get(office=make_office("losangeles"))
    schedule.host_subdivision = " pr "
    schedule.full_clean()
    assert schedule.host_subdivision == "PR"


def test_extra_session_window_of_another_office(make_office):
    la = make_office("losangeles")
    phoenix = make_office("phoenix")
    session = ExtraSession(
        office=la,
        date=dt.date(2026, 3, 14),
        starts=dt.time(9),
        ends=dt.time(12),
        window=ServiceWindow.objects.get(office=phoenix),
    )
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "window" in error.value.message_dict
