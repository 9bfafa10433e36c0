"""Signed values of the self-registration (自助登记): the poster's token, the form's stamp, the receipt.

A post's self-registration is bound to the post and the day by two signed values, because the
poster is printed once and hangs at the post for weeks while a form must not outlive its day:

- the **post token** in the poster's QR code (``post_token``) names the post only and never
  expires; it is refused as soon as the post is closed or deleted, and it cannot be forged or
  altered (``Signer``, salt ``checkpoints.self_register``);
- the **form stamp** (``form_stamp``), a hidden field of every form served, names the post and the
  local day it was served on and carries its time (``TimestampSigner``). A form is taken only with
  the token and a stamp of the same post, no older than 12 hours and of today; a form opened
  shortly before midnight stays good for ``MIDNIGHT_GRACE`` into the next day. So a form saved
  yesterday, a stamp lifted from another post's form or a tampered one stores nothing.

The **receipt** (``passage_token``) finds the confirmation page of a self-registered passage for a
day: the page's address carries only the signed passage number, never personal data.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.checkpoints.models import Passage, Post

POST_SALT = "checkpoints.self_register"
FORM_SALT = "checkpoints.self_register.form"
RECEIPT_SALT = "checkpoints.self_register.done"
FORM_MAX_AGE = dt.timedelta(hours=12)
MIDNIGHT_GRACE = dt.timedelta(minutes=30)
RECEIPT_MAX_AGE = dt.timedelta(days=1)


class TokenRefused(Exception):
    """A token or stamp that cannot be taken; ``message`` says why, for the traveller."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _not_valid() -> TokenRefused:
    return TokenRefused(_("This registration link is not valid. Scan the QR code on the poster at the checkpoint."))


def post_token(post: Post) -> str:
    """The token of the poster's QR code: bound to the post, valid while the post is open."""
    return signing.Signer(salt=POST_SALT).sign(str(post.pk))


def post_from_token(token: str) -> Post:
    """The open post a poster token names; ``TokenRefused`` for a bad token or a closed post."""
    try:
        pk = int(signing.Signer(salt=POST_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        raise _not_valid() from None
    post = Post.objects.select_related("org_unit").filter(pk=pk).first()
    if post is None:
        raise _not_valid()
    if not post.is_active:
        raise TokenRefused(_("This checkpoint is closed: registration here is not possible."))
    return post


def form_stamp(post: Post) -> str:
    """The stamp of one form served now: the post and today's date, signed with the time."""
    return signing.TimestampSigner(salt=FORM_SALT).sign(f"{post.pk}:{timezone.localdate().isoformat()}")


def post_for_form(token: str, stamp: str) -> Post:
    """The post a filled form may be registered at: the token's, if the stamp is of that post and of today."""
    post = post_from_token(token)
    signer = signing.TimestampSigner(salt=FORM_SALT)
    expired = TokenRefused(_("This form was opened too long ago. Open the registration page again and fill it in."))
    try:
        value = signer.unsign(stamp, max_age=FORM_MAX_AGE)
    except signing.SignatureExpired:
        raise expired from None
    except signing.BadSignature:
        raise _not_valid() from None
    pk, _sep, day = value.partition(":")
    if pk != str(post.pk):
        raise TokenRefused(_("This form belongs to another checkpoint. Scan the QR code of this checkpoint."))
    if day != timezone.localdate().isoformat():
        try:  # served just before midnight: still good for a little while
            signer.unsign(stamp, max_age=MIDNIGHT_GRACE)
        except signing.SignatureExpired:
            raise expired from None
    return post


def passage_token(passage: Passage) -> str:
    """The receipt of a self-registered passage: its signed number, good for a day."""
    return signing.dumps(passage.pk, salt=RECEIPT_SALT)


def passage_from_token(token: str) -> Passage:
    """The self-registered passage a receipt names; ``TokenRefused`` when bad or older than a day."""
    try:
        pk = signing.loads(token, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    except signing.SignatureExpired:
        raise TokenRefused(_("This confirmation has expired. Ask the staff at the checkpoint.")) from None
    except signing.BadSignature:
        raise TokenRefused(_("This confirmation link is not valid.")) from None
    passage = (
        Passage.objects.select_related("post", "to_unit").filter(pk=pk, self_registered=True).first()
        if isinstance(pk, int)
        else None
    )
    if passage is None:
        raise TokenRefused(_("This confirmation link is not valid."))
    return passage
