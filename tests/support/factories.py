"""Test data made the way the site makes it: petitions, signatures stored through the
services layer, and the signing form posted as a browser posts it."""

import importlib
import itertools
import time

from django.apps import apps
from django.urls import reverse

from petition.models import Petition
from signatures import services
from signatures.abuse.bot_trap import form_started_token
from signatures.models import Signature

_numbers = itertools.count()

SEED_SLUG = "protect-migrant-children-and-families"


def make_staff(username: str, *codenames: str, password: str | None = None):
    """An admin user (is_staff) with only these permissions, by codename."""
    from django.contrib.auth.models import Permission, User

    permissions = list(Permission.objects.filter(codename__in=codenames))
    assert {p.codename for p in permissions} == set(codenames), f"unknown permission among {codenames}"
    user = User.objects.create_user(username, password=password, is_staff=True)
    user.user_permissions.add(*permissions)
    return user


def make_petition(**fields) -> Petition:
    """An open petition that counts a signature at once (requires_confirmation=True to ask for email)."""
    n = next(_numbers)
    defaults = {
        "slug": f"test-petition-{n}",
        "title": f"Test petition {n}",
        "body": "Please sign.",
        "goal": 100,
        "status": Petition.Status.OPEN,
        "requires_confirmation": False,
    }
    return Petition.objects.create(**{**defaults, **fields})


def seed_first_campaign() -> None:
    """Run the data migration that loads the first campaign, with today's models.

    A historical model would lack the columns added after the migration,
    which the table may require.
    """
    importlib.import_module("petition.migrations.0002_first_campaign").seed(apps, None)


def signer_data(**fields) -> dict:
    """What a signer fills in: María in San Antonio, unless fields say otherwise."""
    defaults = {
        "name": "María José Pérez",
        "email": "maria@example.org",
        "postal_code": "78205",
        "country": "US",
        "comment": "",
    }
    return {**defaults, **fields}


def make_signature(petition, *, confirmed: bool = True, **fields) -> Signature:
    """A signature stored by services.signature_create: signer_data's defaults, then fields.

    fields may also carry what a request adds (ip_hash, user_agent_family,
    flagged, ...). On a petition that asks for confirmation the signature is
    confirmed, as its owner's link would; confirmed=False leaves it pending.
    """
    signature = services.signature_create(petition=petition, **signer_data(**fields)).signature
    assert signature is not None, f"{fields.get('email', 'maria@example.org')} signed this petition already"
    if confirmed and signature.status == Signature.Status.PENDING:
        services.signature_confirm(signature=signature)
        signature.refresh_from_db()
    return signature


def make_signatures(petition, n: int, *, start: int = 0, **fields) -> list[Signature]:
    """n signatures (make_signature) by "Signer i" at si@example.org, for i from start."""
    return [
        make_signature(petition, name=f"Signer {i}", email=f"s{i}@example.org", **fields)
        for i in range(start, start + n)
    ]


def public_comment(petition, comment: str = "Keep families together", **fields) -> Signature:
    """A signature whose signer chose to show their name and comment on the campaign page."""
    return make_signature(petition, comment=comment, public=True, **fields)


def form_fields(petition, **fields) -> dict:
    """The hidden fields a browser sends back with a petition's sign form shown a minute ago, and fields."""
    return {"started": form_started_token(petition, time.time() - 60), "website": "", **fields}


def sign(client, petition, **fields):
    """POST the signing form as a browser that showed it a minute ago: signer_data's defaults, then fields.

    The URL is reversed in the active language (translation.override("es")
    signs on the Spanish page).
    """
    data = form_fields(petition, **signer_data(**fields))
    return client.post(reverse("petition:sign", args=[petition.slug]), data)
