from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jaring.core"
    label = "core"
    verbose_name = _("Inti")

    def ready(self) -> None:
        from jaring.core import lookups  # noqa: F401  (registers `__among`)
