"""Booking through booking's services, for notifications' tests."""

from miconsulado.booking import services
from miconsulado.booking.models import Appointment
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant


def book(slot: Slot, procedure, *people, channel: Channel = Channel.WEB) -> Appointment:
    fresh = Slot.objects.select_related("office").get(pk=slot.pk)
    return services.book_appointment(
        slot=fresh, procedure=procedure, applicants=list(people) or [applicant()], channel=channel
    ).appointment
