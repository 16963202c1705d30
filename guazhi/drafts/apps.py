from django.apps import AppConfig


class DraftsConfig(AppConfig):
    name = "guazhi.drafts"
    verbose_name = "挂职总结初稿"
