from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "guazhi.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from guazhi.audit import checks  # noqa: F401  (registers the deploy checks)
