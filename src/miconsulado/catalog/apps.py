from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "miconsulado.catalog"
    label = "catalog"
