"""Background work of booking, run by the django-tasks database worker (`db_worker`)."""

from django_tasks import task


@task()
def expire_hold(appointment_id: int) -> bool:
    """Queued with run_after = the hold's expiry; a hold confirmed meanwhile is left alone."""
    from miconsulado.booking import services

    return services.expire_hold(appointment_id=appointment_id)


@task()
def release_expired_holds() -> int:
    """Sweep for holds whose own task was lost (e.g. the worker was down)."""
    from miconsulado.booking import services

    return services.release_expired_holds()
