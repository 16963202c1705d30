from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "guazhi.audit"
    verbose_name = "审计日志"
