from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "guazhi.matching"
    verbose_name = "项目资源对接"
