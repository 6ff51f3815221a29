from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LawmakersConfig(AppConfig):
    name = "lawmakers"
    verbose_name = _("Lawmakers")
