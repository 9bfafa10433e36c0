from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from bastion.core import selectors
from bastion.core.models import OrgUnit, User
from bastion.core.roles import role_label
from bastion.core.scope import scope_paths

router = Router(tags=["org units"])


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def require_perm(request: HttpRequest, perm: str) -> User:
    """The signed-in user, if their role holds ``perm``; otherwise the operation does not exist for them."""
    user = _user(request)
    if not user.has_perm(perm):
        raise Http404("not found")
    return user


def unit_asked(user: User, unit_id: int | None) -> OrgUnit | None:
    """The unit an operation is asked about (``unit=``), looked up in the user's scope; None when none is asked."""
    return selectors.orgunit_get_for_user(user, unit_id) if unit_id else None


@contextmanager
def errors_named_as_sent(sent_as: Mapping[str, str]) -> Iterator[None]:
    """A service's field errors under the names the client sent (``store`` as ``store_id``…)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({sent_as.get(k, k): v for k, v in exc.message_dict.items()}) from exc


class OrgUnitOut(Schema):
    id: int
    parent_id: int | None
    kind: str
    name: str
    display_name: str
    division_code: str | None
    depth: int
    is_active: bool


class OrgUnitFilters(FilterSchema):
    q: str = Field("", description="name, display name, pinyin initials or division code prefix")
    kind: str = ""
    active: bool | None = None
    within: int | None = Field(None, description="only units below this unit id")


class SubtreeCountsOut(Schema):
    unit: OrgUnitOut
    units: dict[str, int]
    institutions: dict[str, int]


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[str]
    scope: list[OrgUnitOut]


class HealthOut(Schema):
    status: str


@router.get("/health", response=HealthOut, auth=None, tags=["operations"])
def health(request: HttpRequest) -> dict[str, str]:
    """For a load balancer's health check and as the trivial baseline of the load benchmarks: no database."""
    return {"status": "ok"}


@router.get("/me", response=MeOut, tags=["accounts"])
def me(request: HttpRequest) -> dict[str, object]:
    user = _user(request)
    paths = scope_paths(user)
    scope = OrgUnit.objects.filter(parent=None) if paths is None else OrgUnit.objects.filter(path__in=paths)
    return {
        "username": user.username,
        "display_name": user.display_name,
        "roles": [role_label(g.name) for g in user.groups.all()],
        "scope": list(scope),
    }


@router.get("/org-units", response=list[OrgUnitOut])
@paginate(PageNumberPagination, page_size=100)
def list_org_units(request: HttpRequest, filters: Query[OrgUnitFilters]):  # type: ignore[no-untyped-def]
    user = require_perm(request, "core.view_orgunit")
    within = selectors.orgunit_get_for_user(user, filters.within) if filters.within else None
    return selectors.orgunit_search(user, q=filters.q, kind=filters.kind, active=filters.active, within=within)


@router.get("/org-units/{unit_id}", response=OrgUnitOut)
def get_org_unit(request: HttpRequest, unit_id: int) -> OrgUnit:
    return selectors.orgunit_get_for_user(require_perm(request, "core.view_orgunit"), unit_id)


@router.get("/org-units/{unit_id}/children", response=list[OrgUnitOut])
def org_unit_children(request: HttpRequest, unit_id: int) -> list[OrgUnit]:
    unit = selectors.orgunit_get_for_user(require_perm(request, "core.view_orgunit"), unit_id)
    return list(selectors.orgunit_children(unit))


@router.get("/org-units/{unit_id}/counts", response=SubtreeCountsOut)
def org_unit_counts(request: HttpRequest, unit_id: int) -> dict[str, object]:
    """How many units of each kind, and institutions of each kind, lie below the unit."""
    unit = selectors.orgunit_get_for_user(require_perm(request, "core.view_orgunit"), unit_id)
    return {
        "unit": unit,
        "units": selectors.orgunit_subtree_counts(unit),
        "institutions": selectors.institution_subtree_counts(unit),
    }
