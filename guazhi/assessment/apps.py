from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "guazhi.assessment"
    verbose_name = "考核"
