"""`{% lawmakers_panel petition %}`: the visitor's members of Congress, for pages of other apps.

So that the signatures app's thank-you page can show them without its Python
importing this app. Only for pages that are never_cache and Vary: Cookie: the
panel is drawn from the visitor's cookies.
"""

from django import template

from lawmakers.panel import panel_context

register = template.Library()


@register.inclusion_tag("lawmakers/_panel.html", takes_context=True)
def lawmakers_panel(context, petition, back="thanks"):
    return panel_context(context["request"], petition, back=back)
