from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "guazhi.contacts"
    verbose_name = "包联对象和问题清单"
