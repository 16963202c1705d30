from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "guazhi.backup"
    verbose_name = "备份与恢复"
