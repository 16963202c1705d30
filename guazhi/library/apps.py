from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "guazhi.library"
    verbose_name = "交流"
