"""The user's org-unit scope, applied to any queryset.

A scope is one or more subtrees. Superusers see everything; a user with no
scope sees nothing. Every selector goes through ``scoped``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from bastion.core.models.orgunits import OrgUnit, subtree_upper_bound

if TYPE_CHECKING:
    from bastion.core.models.accounts import User

M = TypeVar("M", bound=Model)

_CACHE_ATTR = "_bastion_scope_paths"


def scope_paths(user: Any) -> list[str] | None:
    """Paths of the user's scope roots, nested ones removed; None means unlimited."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        from bastion.core.models.accounts import UserScope

        paths = sorted(UserScope.objects.filter(user=user).values_list("org_unit__path", flat=True))
        cached = []
        for path in paths:
            if not any(path.startswith(kept) for kept in cached):
                cached.append(path)
        setattr(user, _CACHE_ATTR, cached)
    return list(cached)


def remember_scope(user: Any, paths: list[str] | None) -> None:
    """Give ``user`` the scope ``scope_paths`` found for it before (cached with the token's grants)."""
    if paths is not None:
        setattr(user, _CACHE_ATTR, list(paths))


def forget_scope(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def paths_q(paths: list[str], field: str = "") -> Q:
    """Q matching rows whose ``field`` unit lies in any of the subtrees at ``paths``."""
    prefix = f"{field}__path" if field else "path"
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{prefix}__gte": path, f"{prefix}__lt": subtree_upper_bound(path)})
    return query


def scoped(
    queryset: QuerySet[M], user: User | Any, field: str = "org_unit", *, within: OrgUnit | None = None
) -> QuerySet[M]:
    """Restrict ``queryset`` to rows whose org unit (``field``; "" for OrgUnit itself) is in scope, and, when
    ``within`` is given, in that unit's subtree."""
    if within is not None:
        low, high = within.subtree_bounds
        prefix = f"{field}__path" if field else "path"
        queryset = queryset.filter(**{f"{prefix}__gte": low, f"{prefix}__lt": high})
    paths = scope_paths(user)
    if paths is None:
        return queryset
    return queryset.filter(paths_q(paths, field))


def unit_in_scope(user: User | Any, unit: OrgUnit) -> bool:
    paths = scope_paths(user)
    return paths is None or any(unit.path.startswith(path) for path in paths)


def require_in_scope(by: User | None, perm: str, unit: OrgUnit, message: str | None = None) -> None:
    """Refuse what the role does not allow (``perm``: "app.codename") or a unit outside the scope; ``by=None`` is
    the system (or a traveller registering themselves)."""
    if by is not None and (not by.has_perm(perm) or not unit_in_scope(by, unit)):
        raise PermissionDenied(message or _("You may not do this for %(unit)s.") % {"unit": unit.display_name})


def require_unit_in_scope(user: User | Any, unit: OrgUnit) -> None:
    """Refuse, as not found, a unit the user may not see."""
    if not unit_in_scope(user, unit):
        raise Http404("not in scope")
