"""Accounts: users with a role and a scope, passwords, device tokens, sign-in events."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import ApiToken, OrgUnit, User, UserScope
from bastion.core.prepared import PreparedRead
from bastion.core.roles import ROLES
from bastion.core.scope import forget_scope, remember_scope, scope_paths, unit_in_scope
from bastion.core.services.audit import audit_record


def _check_manager(by: User | None, units: Iterable[OrgUnit], role: str | None = None) -> None:
    if by is None:
        return
    if not by.has_perm("core.manage_accounts"):
        raise PermissionDenied(_("You may not manage accounts."))
    if any(not unit_in_scope(by, unit) for unit in units):
        raise PermissionDenied(_("You may only give a scope inside your own."))
    if role == "county_admin" and not (by.is_superuser or by.groups.filter(name="county_admin").exists()):
        raise PermissionDenied(_("Only a county HQ admin may create another admin."))


def _validate_account(role: str, scope_units: list[OrgUnit]) -> None:
    errors: dict[str, str] = {}
    if role not in ROLES:
        errors["role"] = _("Unknown role: %(role)s.") % {"role": role}
    if not scope_units:
        errors["scope_units"] = _("Give the account at least one unit as its scope.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def user_create(
    *,
    by: User | None,
    username: str,
    password: str,
    role: str,
    scope_units: list[OrgUnit],
    display_name: str = "",
) -> User:
    _check_manager(by, scope_units, role)
    _validate_account(role, scope_units)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("The user name %(name)s is taken.") % {"name": username}})
    user = User(username=username, display_name=display_name)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get_or_create(name=role)[0]])
    UserScope.objects.bulk_create([UserScope(user=user, org_unit=unit) for unit in scope_units])
    audit_record(
        by=by,
        action="user.create",
        obj=user,
        org_unit=scope_units[0],
        summary={"username": username, "role": role, "scope": [u.pk for u in scope_units]},
    )
    return user


@transaction.atomic
def user_update(
    *, by: User | None, user: User, role: str, scope_units: list[OrgUnit], display_name: str, is_active: bool
) -> User:
    """Change an account's role, scope, name or active flag."""
    old_units = list(user.scope_units.all())
    _check_manager(by, [*old_units, *scope_units], role)
    _validate_account(role, scope_units)
    if by is not None and by.pk == user.pk and not is_active:
        raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
    old_role = ",".join(sorted(user.groups.values_list("name", flat=True)))
    summary: dict[str, object] = {}
    if old_role != role:
        summary["role"] = [old_role, role]
        user.groups.set([Group.objects.get_or_create(name=role)[0]])
    if {u.pk for u in old_units} != {u.pk for u in scope_units}:
        summary["scope"] = [[u.pk for u in old_units], [u.pk for u in scope_units]]
        UserScope.objects.filter(user=user).delete()
        UserScope.objects.bulk_create([UserScope(user=user, org_unit=unit) for unit in scope_units])
        forget_scope(user)
    if summary.keys() & {"role", "scope"}:
        _forget_grants(user)
    for field, value in (("display_name", display_name), ("is_active", is_active)):
        if getattr(user, field) != value:
            summary[field] = [getattr(user, field), value]
            setattr(user, field, value)
    user.save(update_fields=["display_name", "is_active"])
    if summary:
        audit_record(by=by, action="user.update", obj=user, org_unit=scope_units[0], summary=summary)
    return user


@transaction.atomic
def user_set_password(*, by: User, user: User, password: str) -> None:
    if by.pk != user.pk:
        _check_manager(by, list(user.scope_units.all()))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(by=by, action="user.password", obj=user, summary={})


def user_record_sign_in(*, user: User, signed_in: bool) -> None:
    audit_record(by=user, action="user.sign_in" if signed_in else "user.sign_out", obj=user)


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, by: User, name: str) -> tuple[ApiToken, str]:
    """Create a device token for ``by``; the key is returned once and never stored."""
    if not name.strip():
        raise ValidationError({"name": _("Name the device this token is for.")})
    key = "bst_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=by, name=name.strip(), prefix=key[4:12], key_hash=token_hash(key))
    audit_record(by=by, action="token.create", obj=token, summary={"name": token.name})
    return token, key


@transaction.atomic
def token_revoke(*, by: User, token: ApiToken) -> None:
    if token.user_id != by.pk:
        raise PermissionDenied(_("This is not your token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(by=by, action="token.revoke", obj=token, summary={"name": token.name})


TOKEN_USE_PRECISION = dt.timedelta(minutes=5)


# What a token's user may do (permissions and scope) takes three queries to work out, on every API
# call; it is kept in Django's cache per token. ``user_update`` drops it at once (in every process when
# the cache is shared, as in production); with a per-process cache, or after a change made another
# way (the role definitions), it is seen within the time-out. The token and the user's active flag are
# read afresh on every call, so a revoked token or a deactivated account stops at once.
TOKEN_GRANTS_SECONDS = 60


def _grants_key(token_id: int, key_hash: str) -> str:
    return f"core:token-grants:{token_id}:{key_hash}"


def _forget_grants(user: User) -> None:
    keys = [_grants_key(pk, key_hash) for pk, key_hash in user.api_tokens.values_list("pk", "key_hash")]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


# Every API call starts here: the read is compiled once (``core.prepared``).
_LIVE_TOKEN = PreparedRead(
    lambda key_hash: ApiToken.objects.select_related("user").filter(key_hash=key_hash, revoked_at=None),
    key_hash="stand-in key hash",
)


def token_authenticate(key: str) -> User | None:
    token = _LIVE_TOKEN.first(key_hash=token_hash(key))
    if token is None or not token.user.is_active:
        return None
    user = token.user
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # a write a few minutes, not every request
    grants_key = _grants_key(token.pk, token.key_hash)
    grants: tuple[frozenset[str], list[str] | None] | None = cache.get(grants_key)
    if grants is None:
        grants = (frozenset(user.get_all_permissions()), scope_paths(user))
        cache.set(grants_key, grants, TOKEN_GRANTS_SECONDS)
    else:
        user._perm_cache = set(grants[0])  # type: ignore[attr-defined]  # where ModelBackend keeps them
        remember_scope(user, grants[1])
    return user
