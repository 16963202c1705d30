from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "guazhi.search"
    verbose_name = "全文检索"
