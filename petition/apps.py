from django.apps import AppConfig
from django.core.signals import request_started
from django.utils.translation import gettext_lazy as _


class PetitionConfig(AppConfig):
    name = "petition"
    verbose_name = _("Petitions")

    def ready(self):
        from petition.caching import forget_facts

        request_started.connect(forget_facts, dispatch_uid="petition.caching.forget_facts")
