from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """Every user's home: the dashboard and the profile page, composed from every app."""

    name = "intercoop.home"
    label = "home"
    verbose_name = _("Home")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from intercoop.home.language import on_login

        user_logged_in.connect(on_login, dispatch_uid="home.language.on_login")
