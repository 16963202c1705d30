from django.apps import AppConfig


class PeersConfig(AppConfig):
    name = "guazhi.peers"
    verbose_name = "同届经验"
