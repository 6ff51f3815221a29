from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from petition.http import cached_publicly
from petition.models import Petition
from signatures.counting import count_for
from signatures.forms import SignatureForm


def render_petition(request, petition, *, form=None, status=200):
    """The campaign page. Also used by the signing view to show a form with errors."""
    count = count_for(petition)
    context = {
        "petition": petition,
        "count": count,
        "percent": min(100, count * 100 // petition.goal),
        "form": form or SignatureForm(),
    }
    return render(request, "petition/detail.html", context, status=status)


@require_safe
@cached_publicly(settings.CAMPAIGN_PAGE_MAX_AGE)
def home(request):
    petition = Petition.objects.featured()
    if petition is None:
        return render(request, "petition/none_open.html", status=404)
    return render_petition(request, petition)


@require_safe
@cached_publicly(settings.CAMPAIGN_PAGE_MAX_AGE)
def detail(request, slug):
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    return render_petition(request, petition)


@require_safe
@cached_publicly(settings.COUNT_MAX_AGE)
def count_json(request, slug):
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    return JsonResponse({"count": count_for(petition), "goal": petition.goal})

