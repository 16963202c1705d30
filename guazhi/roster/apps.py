from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "guazhi.roster"
    verbose_name = "人员"

    def ready(self) -> None:
        from guazhi.roster import checks  # noqa: F401  (registers the deploy check)
