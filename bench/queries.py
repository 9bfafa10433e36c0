"""The two sides of each benchmark: the application's ORM path and one hand-written SQL query.

Each pair must give the same answer; ``bench.run`` checks that before timing.
The hand-written queries are what a competent engineer would write for this
schema: the materialized path is there, so a subtree is one range scan on the
unique ``path`` index (``path >= p AND path < next(p)``). The recursive CTE
over ``parent_id`` (what one writes without a materialized path) is kept as a
cross-check that paths and parents agree, and timed for information only.
"""

from __future__ import annotations

from django.db import connection

from bastion.core.models import OrgUnit, User
from bastion.core.models.orgunits import subtree_upper_bound
from bastion.core.selectors import orgunit_search, orgunit_subtree_counts

Row = tuple[int, str, str, str]

# The columns the tree pages show for a unit.
LISTING_FIELDS = ("id", "name", "kind", "path")


def superuser() -> User:
    """An unsaved superuser: the selectors' scope check passes without touching the database."""
    return User(username="bench", is_superuser=True, is_active=True)


def _table() -> str:
    return connection.ops.quote_name(OrgUnit._meta.db_table)


def _fetchall(sql: str, params: list[object]) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Subtree listing: the unit and every unit below it, in tree (path) order.


def orm_subtree_listing(user: User, unit: OrgUnit) -> list[Row]:
    """The selector the tree search uses (``orgunit_search(within=...)``), reading only the listed columns."""
    return list(orgunit_search(user, within=unit).values_list(*LISTING_FIELDS))


def sql_subtree_listing(unit: OrgUnit) -> list[Row]:
    sql = f"SELECT id, name, kind, path FROM {_table()} WHERE path >= %s AND path < %s ORDER BY path"
    return _fetchall(sql, [unit.path, subtree_upper_bound(unit.path)])  # type: ignore[return-value]


def cte_subtree_listing(unit: OrgUnit) -> list[Row]:
    """The same rows found through ``parent_id`` alone, as one would without a materialized path."""
    table = _table()
    sql = (
        f"WITH RECURSIVE subtree(id) AS ("
        f" SELECT id FROM {table} WHERE id = %s"
        f" UNION ALL SELECT child.id FROM {table} child JOIN subtree ON child.parent_id = subtree.id)"
        f" SELECT u.id, u.name, u.kind, u.path FROM {table} u JOIN subtree ON u.id = subtree.id ORDER BY u.path"
    )
    return _fetchall(sql, [unit.pk])  # type: ignore[return-value]


# Subtree counts: units of each kind strictly below a unit.


def orm_subtree_counts(unit: OrgUnit) -> dict[str, int]:
    return orgunit_subtree_counts(unit)


def sql_subtree_counts(unit: OrgUnit, *, active_only: bool = False) -> dict[str, int]:
    """Units of each kind strictly below ``unit``, in one GROUP BY; the hand-written ``orgunit_subtree_counts``."""
    active = " AND is_active" if active_only else ""
    sql = f"SELECT kind, COUNT(*) FROM {_table()} WHERE path > %s AND path < %s{active} GROUP BY kind"
    return dict(_fetchall(sql, [unit.path, subtree_upper_bound(unit.path)]))  # type: ignore[arg-type]
