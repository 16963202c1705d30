from django.apps import AppConfig


class SimilarityConfig(AppConfig):
    name = "guazhi.similarity"
    label = "similarity"
    verbose_name = "查重"
