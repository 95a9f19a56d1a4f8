"""Background work of the waitlist, run by the django-tasks database worker (`db_worker`)."""

from django_tasks import task


@task()
def expire_offer(offer_id: int) -> bool:
    """Queued with run_after = the offer's end; an offer answered meanwhile is left alone. The place
    then goes to the next person."""
    from miconsulado.waitlist import services

    expired = services.expire_offer(offer_id=offer_id)
    if expired:
        from miconsulado.waitlist.models import WaitlistOffer

        slot_id = WaitlistOffer.objects.filter(pk=offer_id).values_list("slot_id", flat=True).first()
        services.offer_freed_places(slot_id=slot_id)
    return expired


@task()
def offer_freed_places() -> int:
    """The sweep (run_scheduler, every minute): places no event announced (an extra session, more
    capacity, a regenerated schedule) and offers whose expiry task was lost."""
    from miconsulado.waitlist import services

    return len(services.offer_freed_places())
