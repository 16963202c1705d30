from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "guazhi.retention"
    verbose_name = "保存期限与回收站"

    def ready(self) -> None:
        from guazhi.retention import checks  # noqa: F401  (registers the startup checks)
