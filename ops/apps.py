from django.apps import AppConfig
from django.core.signals import request_finished
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from ops import request_log

        request_finished.connect(request_log.request_finished, dispatch_uid="ops.request_log")
