from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The composition root: wires every app's URLs, API routers and demo builders."""

    name = "intercoop.config"
    label = "intercoop_config"
