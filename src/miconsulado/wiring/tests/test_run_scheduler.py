from django.core.management import call_command
from django_tasks import default_task_backend


def test_once_enqueues_the_sweeps_and_the_daily_generation(db):
    default_task_backend.clear()
    call_command("run_scheduler", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    names = sorted(r.task.name for r in default_task_backend.results)
    assert names == [
        "generate_slots_task",
        "offer_freed_places",
        "queue_tick",
        "release_expired_holds",
        "requeue_stale_messages",
        "requeue_stalled_deliveries",
    ]
