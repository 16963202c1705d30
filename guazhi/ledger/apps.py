from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "guazhi.ledger"
    verbose_name = "工作纪实"
