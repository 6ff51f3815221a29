from django.apps import AppConfig
from django.core.signals import request_started
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _forget_signing_copy(sender, instance, **kwargs):
    """A petition saved or deleted in this process: signing reads it afresh (petition.views.signing_petition)."""
    from django.core.cache import caches

    from petition.views import signing_petition_key

    caches["pages"].delete(signing_petition_key(instance.slug))


class PetitionConfig(AppConfig):
    name = "petition"
    verbose_name = _("Petitions")

    def ready(self):
        from petition.caching import forget_facts

        request_started.connect(forget_facts, dispatch_uid="petition.caching.forget_facts")
        petition = self.get_model("Petition")
        post_save.connect(_forget_signing_copy, sender=petition, dispatch_uid="petition.forget_signing_copy")
        post_delete.connect(
            _forget_signing_copy, sender=petition, dispatch_uid="petition.forget_signing_copy_deleted"
        )
