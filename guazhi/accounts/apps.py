from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "guazhi.accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from guazhi import deploy_checks  # noqa: F401  (registers the production checks)
