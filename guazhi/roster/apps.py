from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "guazhi.roster"
    verbose_name = "人员"
