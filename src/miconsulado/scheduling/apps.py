from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class SchedulingConfig(AppConfig):
    name = "miconsulado.scheduling"
    label = "scheduling"

    def ready(self) -> None:
        from miconsulado.catalog.selectors import catalog_snapshot
        from miconsulado.scheduling.models import OfficeSchedule, ServiceWindow
        from miconsulado.scheduling.selectors import window_snapshot

        # The catalog snapshot carries each office's schedule.
        for signal in (post_save, post_delete):
            signal.connect(
                catalog_snapshot.changed, sender=OfficeSchedule, weak=False, dispatch_uid="snap-schedule"
            )
            signal.connect(
                window_snapshot.changed, sender=ServiceWindow, weak=False, dispatch_uid="snap-window"
            )
        m2m_changed.connect(
            window_snapshot.changed,
            sender=ServiceWindow.procedures.through,
            weak=False,
            dispatch_uid="snap-window-procedures",
        )
