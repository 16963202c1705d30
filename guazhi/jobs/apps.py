from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "guazhi.jobs"
    verbose_name = "后台任务"
