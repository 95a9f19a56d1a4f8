from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CatalogConfig(AppConfig):
    name = "miconsulado.catalog"
    label = "catalog"

    def ready(self) -> None:
        from miconsulado.catalog.models import Office, OfficeProcedure, Procedure
        from miconsulado.catalog.selectors import catalog_snapshot

        for model in (Office, Procedure, OfficeProcedure):
            for signal in (post_save, post_delete):
                signal.connect(
                    catalog_snapshot.changed, sender=model, weak=False, dispatch_uid=f"catalog-{model}"
                )
