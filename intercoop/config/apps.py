from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The composition root: wires every app's URLs, API routers, importers and demo."""

    name = "intercoop.config"
    label = "intercoop_config"

    def ready(self) -> None:
        from intercoop.config.background import register_importers, register_jobs
        from intercoop.config.home import register_home

        register_importers()
        register_jobs()
        register_home()
