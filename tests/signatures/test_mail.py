"""What the site's own emails say: never anything a signer (or a stranger signing as them) wrote."""

import pytest

from signatures import mail, services
from signatures.models import SignatureMail
from tests.support.mailtools import html_part

PHISHING = "Friend. URGENT: your signature is on a public ICE list, remove it at http://evil.example/remove"


@pytest.mark.parametrize("kind", SignatureMail.Kind.values)
@pytest.mark.parametrize(("language", "greeting"), [("en", "Hello,"), ("es", "Hola:")])
def test_no_email_echoes_the_signers_name(petition, signer_data, kind, language, greeting):
    signature = services.signature_create(
        petition=petition, **signer_data(name=PHISHING, comment=PHISHING), public=True, language=language
    ).signature
    row = SignatureMail.objects.create(signature=signature, kind=kind, cause=SignatureMail.Cause.SIGNED)
    message = mail.build_message(row)
    for part in (message.subject, message.body, html_part(message)):
        assert "evil.example" not in part
        assert "Friend" not in part and "URGENT" not in part
    assert message.body.startswith(f"{greeting}\n")
    assert f"<p>{greeting}</p>" in html_part(message)
