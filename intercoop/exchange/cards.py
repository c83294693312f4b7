"""Member cards: a short-lived code, signed with the site's secret, that says "this
person belongs to this organisation". The offering co-op reads it on its verify page;
nobody can forge one or reuse a screenshot after it expires."""

import datetime as dt
import secrets
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from intercoop.core.errors import DomainError

_SALT = "intercoop.exchange.member-card"


@dataclass(frozen=True)
class Card:
    user_id: int
    organization_id: int
    code_id: str  # unique per code: one redemption per deal and code
    issued_at: dt.datetime


class CardRefused(DomainError):
    """A code that is not a valid card, or no longer one."""


def card_code(*, user_id: int, organization_id: int) -> str:
    """A new signed code for a member of an organisation, valid for
    MEMBER_CARD_SECONDS from now."""
    signer = signing.TimestampSigner(salt=_SALT)
    return signer.sign(f"{user_id}.{organization_id}.{secrets.token_hex(8)}")


def read_card(code: str) -> Card:
    """The card behind `code`; CardRefused when forged, altered or expired."""
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        value = signer.unsign(code.strip(), max_age=settings.MEMBER_CARD_SECONDS)
    except signing.SignatureExpired:
        raise CardRefused(_("This card has expired: ask the member to open it again")) from None
    except signing.BadSignature:
        raise CardRefused(_("This is not a valid member card")) from None
    user_id, organization_id, code_id = value.split(".")
    timestamp = code.strip().rsplit(":", 2)[1]  # value:timestamp:signature
    return Card(
        user_id=int(user_id),
        organization_id=int(organization_id),
        code_id=code_id,
        issued_at=dt.datetime.fromtimestamp(signing.b62_decode(timestamp), tz=dt.UTC),
    )


def qr_svg(text: str) -> str:
    """An inline SVG QR code of `text`, drawn on the server (no remote service)."""
    return str(segno.make(text, error="m").svg_inline(scale=5, border=2))
