from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "guazhi.projects"
    verbose_name = "重点项目"
