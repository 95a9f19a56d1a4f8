from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "miconsulado.accounts"
    label = "accounts"
