from django.apps import AppConfig


class ClaimcheckConfig(AppConfig):
    name = "guazhi.claimcheck"
    label = "claimcheck"
    verbose_name = "数字核对"
