from django.apps import AppConfig


class WaitlistConfig(AppConfig):
    name = "miconsulado.waitlist"
    label = "waitlist"

    def ready(self) -> None:
        from miconsulado.scheduling.line import register_line_demand
        from miconsulado.waitlist import receivers  # noqa: F401  # registers them
        from miconsulado.waitlist.line import people_waiting_for

        # Places given back while people wait are held for the line (decision 0010).
        register_line_demand(people_waiting_for)
