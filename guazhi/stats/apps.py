from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "guazhi.stats"
    verbose_name = "统计"
