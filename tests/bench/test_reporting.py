"""The reporting benchmark: its reports are as generated, both sides agree, and query counts do not grow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F, Sum

from bastion.core.models import OrgUnit
from bastion.reporting import selectors
from bastion.reporting.models import Report, ReportValue, Status
from bench.generate import generate
from bench.reporting import (
    DAY,
    INDICATORS,
    check_completeness,
    check_rollup_by_child,
    check_rollup_table,
    constant_count,
    form_as_views_load_it,
    generate_reports,
    query_counts,
)


@pytest.mark.django_db
def test_reporting_bench_sides_agree_and_query_counts_are_constant() -> None:
    root = generate("prefecture")  # 1,501 units; the smaller trees are one of its counties and a township
    filing = generate_reports(root)
    form = form_as_views_load_it(filing.form.pk)
    county = root.children.order_by("path").first()
    assert county is not None and county.kind == OrgUnit.Kind.COUNTY
    township = county.children.order_by("path").first()
    assert township is not None

    # The day's reports are as generated: a mix of every status, values copied from their report.
    assert filing.units == selectors.filing_units(form, root).count() > 1000
    assert filing.statuses.total() == filing.units
    assert all(filing.statuses[status] > 0 for status in Status.values)
    assert Report.objects.filter(form=form, period=DAY).count() == filing.units - filing.statuses[Status.MISSING]
    assert ReportValue.objects.count() == filing.values
    assert not ReportValue.objects.filter(report__is_zero=True).exists()
    assert not ReportValue.objects.exclude(org_unit=F("report__org_unit")).exists()
    assert not ReportValue.objects.exclude(period=DAY).exists()

    # Both sides of each benchmark give the same figures, below trees of three sizes.
    for unit in (root, county, township):
        check_completeness(form, unit, DAY, DAY)
        check_rollup_by_child(form, unit, DAY, DAY)
        check_rollup_table(form, unit, DAY, DAY)
    # Over two days (the day before has no report) the baseline counts distinct units.
    before = DAY - dt.timedelta(days=1)
    figures = check_completeness(form, root, before, DAY)
    assert sum(row[0] for row in figures.values()) == 2 * filing.units

    # And the figures are the generated ones.
    rows, total = selectors.completeness_by_child(form, root, DAY, DAY)
    assert len(rows) == 10
    assert (total.expected, total.on_time, total.late, total.zero, total.zero_late, total.missing) == (
        filing.units,
        filing.statuses[Status.ON_TIME],
        filing.statuses[Status.LATE],
        filing.statuses[Status.ZERO],
        filing.zero_late,
        filing.statuses[Status.MISSING],
    )
    by_child = check_rollup_by_child(form, root, DAY, DAY)
    grand = dict(ReportValue.objects.values_list("indicator_id").annotate(total=Sum("number")).order_by())
    assert len(grand) == len(INDICATORS)
    summed: dict[int, Decimal] = {}
    for values in by_child.values():
        for indicator_id, value in values.items():
            summed[indicator_id] = summed.get(indicator_id, Decimal(0)) + value
    assert summed == grand

    # The number of queries does not depend on the size of the subtree.
    counts = query_counts(form, [root, county, township], DAY, DAY)
    assert constant_count(counts["completeness_by_child"], "completeness_by_child") == 2
    assert constant_count(counts["rollup_by_child"], "rollup_by_child") == 1
    assert constant_count(counts["rollup"], "rollup") == 2
