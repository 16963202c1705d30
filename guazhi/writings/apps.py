from django.apps import AppConfig


class WritingsConfig(AppConfig):
    name = "guazhi.writings"
    verbose_name = "材料"
