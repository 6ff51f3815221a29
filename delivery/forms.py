from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from delivery import targets
from delivery.models import DeliveryPacket, DeliveryTarget
from places.states import STATES

Scope = DeliveryPacket.Scope
# The field that names the target of each scope, where its error is shown.
SCOPE_FIELDS = {Scope.DISTRICT: "district", Scope.STATE: "state", Scope.NAMED: "target"}


class PacketForm(forms.Form):
    scope = forms.ChoiceField(label=_("Deliver to"), choices=Scope, widget=forms.RadioSelect)
    district = forms.CharField(
        label=_("District"),
        required=False,
        max_length=8,
        help_text=_("A state code and number, like TX-20, or AL for an at-large seat, like VT-AL."),
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", "—")] + [(state.code, state.name) for state in STATES if not state.delegate_only],
    )
    target = forms.ChoiceField(label=_("Target named in the petition"), required=False)
    language = forms.ChoiceField(label=_("Language of the packet"), choices=settings.LANGUAGES, initial="en")

    def __init__(self, *args, petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.petition = petition
        self.fields["target"].choices = [("", "—")] + [
            (target.code, target.code) for target in targets.named_targets(petition)
        ]

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        field = SCOPE_FIELDS.get(scope)
        code = data.get(field, "") if field else ""
        if field and not code:
            self.add_error(field, _("Choose whom to deliver to."))
            return data
        try:
            targets.resolve(self.petition, scope, code)
        except targets.TargetError as error:
            self.add_error(field, str(error))
        data["code"] = code
        return data


class DeliveryTargetForm(forms.ModelForm):
    """A target's code checked and written the way packets write it (TX-07, TX, a line of the targets)."""

    class Meta:
        model = DeliveryTarget
        fields = ["petition", "kind", "code", "names_allowed"]

    def clean(self):
        data = super().clean()
        petition, kind, code = data.get("petition"), data.get("kind"), data.get("code")
        if petition and kind and code:
            try:
                data["code"] = targets.resolve(petition, kind, code).code
            except targets.TargetError as error:
                raise ValidationError({"code": str(error)}) from None
        return data
