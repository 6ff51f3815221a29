"""Organizers' delivery: a page per petition to make packets, their progress, downloads and the list.

Everything here needs the permission the delivery CSV export needs (to view
signatures): a packet carries the same names, cities and public comments.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from delivery import services, targets
from delivery.forms import DeliveryTargetForm, PacketForm
from delivery.models import DeliveryPacket, DeliveryTarget
from petition.models import Petition
from signatures.admin.privacy import ReadOnlyAdmin
from signatures.models import SignatureExport

DELIVERY_PERMISSION = "signatures.view_signature"


def may_deliver(user) -> bool:
    return user.has_perm(DELIVERY_PERMISSION)


class DeliveryPermissionMixin:
    """Admin pages of the app: seen by whoever may export the delivery list; changes need that too."""

    def has_module_permission(self, request):
        return may_deliver(request.user)

    def has_view_permission(self, request, obj=None):
        return may_deliver(request.user)

    def has_change_permission(self, request, obj=None):
        return may_deliver(request.user) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return may_deliver(request.user) and super().has_add_permission(request)


@admin.register(DeliveryTarget)
class DeliveryTargetAdmin(DeliveryPermissionMixin, admin.ModelAdmin):
    form = DeliveryTargetForm
    list_display = ["code", "kind", "petition", "names_allowed", "updated_at"]
    list_editable = ["names_allowed"]
    list_filter = ["kind", "names_allowed", "petition"]
    list_select_related = ["petition"]
    search_fields = ["code"]


@admin.register(DeliveryPacket)
class DeliveryPacketAdmin(DeliveryPermissionMixin, ReadOnlyAdmin):
    """The packets made: read only; each is made from a petition's Delivery page."""

    list_display = ["created_at", "addressee", "petition", "actor", "names", "status", "language"]
    list_filter = ["status", "scope", "petition"]
    list_select_related = ["petition"]
    search_fields = ["addressee", "code", "actor"]
    date_hierarchy = "created_at"
    exclude = ["file_name"]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("petition/<int:petition_id>/", view(self.delivery_view), name="delivery_petition"),
            path("<int:packet_id>/progress/", view(self.progress_view), name="delivery_packet_progress"),
            path("<int:packet_id>/download/", view(self.download_view), name="delivery_packet_download"),
            *super().get_urls(),
        ]

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def _packet(self, request, packet_id) -> DeliveryPacket:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(DeliveryPacket.objects.select_related("petition", "export"), pk=packet_id)

    def delivery_view(self, request, petition_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        petition = get_object_or_404(Petition, pk=petition_id)
        form = PacketForm(request.POST if request.method == "POST" else None, petition=petition)
        if form.is_valid():
            packet = services.packet_start(
                petition=petition,
                scope=form.cleaned_data["scope"],
                code=form.cleaned_data["code"],
                language=form.cleaned_data["language"],
                user=request.user,
                via=SignatureExport.Via.ADMIN,
            )
            services.packet_enqueue(packet)
            return redirect("admin:delivery_packet_progress", packet.pk)
        context = self._context(
            request,
            title=_("Delivery: %(title)s") % {"title": petition.title},
            petition=petition,
            form=form,
            named_targets=self._named_targets(petition),
            packets=DeliveryPacket.objects.filter(petition=petition).select_related("created_by")[:50],
        )
        return TemplateResponse(
            request, "admin/delivery/delivery.html", context, status=400 if form.is_bound else 200
        )

    def _named_targets(self, petition) -> list[dict]:
        """The petition's targets with their names setting and where to change it."""
        saved = dict(
            DeliveryTarget.objects.filter(petition=petition, kind=DeliveryTarget.Kind.NAMED).values_list(
                "code", "pk"
            )
        )
        rows = []
        for target in targets.named_targets(petition):
            if target.code in saved:
                change_url = reverse("admin:delivery_deliverytarget_change", args=[saved[target.code]])
            else:
                change_url = (
                    reverse("admin:delivery_deliverytarget_add")
                    + "?"
                    + urlencode({"petition": petition.pk, "kind": target.kind, "code": target.code})
                )
            rows.append(
                {
                    "name": target.code,
                    "names_allowed": target.names_allowed(petition),
                    "change_url": change_url,
                }
            )
        return rows

    def progress_view(self, request, packet_id):
        packet = self._packet(request, packet_id)
        download = reverse("admin:delivery_packet_download", args=[packet.pk])
        if request.GET.get("format") == "json":
            # For the page's script, which updates the bar without reloading.
            return JsonResponse(
                {
                    "status": packet.status,
                    "status_display": packet.get_status_display(),
                    "percent": packet.percent,
                    "finished": packet.status in (DeliveryPacket.Status.DONE, DeliveryPacket.Status.FAILED),
                }
            )
        context = self._context(
            request,
            title=_("Delivery packet: %(addressee)s") % {"addressee": packet.addressee},
            packet=packet,
            petition=packet.petition,
            download_url=download if packet.status == DeliveryPacket.Status.DONE and packet.file_name else "",
        )
        return TemplateResponse(request, "admin/delivery/progress.html", context)

    def download_view(self, request, packet_id):
        packet = self._packet(request, packet_id)
        if packet.status != DeliveryPacket.Status.DONE or not packet.file_name:
            raise Http404
        try:
            handle = open(services.packet_path(packet), "rb")
        except FileNotFoundError:
            raise Http404 from None
        services.packet_download_log(packet=packet, user=request.user)
        return FileResponse(handle, as_attachment=True, filename=packet.download_name)
