from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "guazhi.evaluation"
    verbose_name = "民主测评"
