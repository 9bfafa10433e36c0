"""Schemas of the dashboard API: figures, series and child units; no personal data (counts and unit names)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class UnitOut(Schema):
    id: int
    name: str = Field(alias="display_name")
    kind: str


class FigureOut(Schema):
    key: str = Field(description="the figure's key, e.g. checkpoints.passages_in")
    label: str
    value: int = Field(description="a flow's count on the day; a level as it stands at the end of the day")
    total: int | None = Field(description="a flow's total from its first record to the day; null for a level")
    url: str = Field(description="the list behind the figure, or empty")
    warn: bool = Field(description="the figure calls for attention (reports missing, items overdue, low cover)")


class PanelOut(Schema):
    key: str
    title: str
    figures: list[FigureOut]


class SeriesOut(Schema):
    key: str
    label: str
    values: list[int] = Field(description="one value per day of ``days``")


class ChartOut(Schema):
    key: str
    title: str
    series: list[SeriesOut]


class ReportCountsOut(Schema):
    expected: int
    on_time: int
    late: int
    zero: int
    missing: int


class ChildOut(Schema):
    id: int
    name: str
    kind: str
    figures: dict[str, int]
    reports: ReportCountsOut
    status: str = Field(description="filed, late, missing, or none (files no report)")


class DashboardOut(Schema):
    unit: UnitOut
    day: dt.date
    report_form_id: int | None = Field(description="the daily form whose filing ``reports`` counts")
    reports: ReportCountsOut
    panels: list[PanelOut] = Field(description="the headline figures of the day")
    structure: list[PanelOut] = Field(description="units and institutions by kind, mobilised by category and batch")
    days: list[dt.date] = Field(description="the last 30 days up to ``day``; the 14-day trend is their last 14")
    charts: list[ChartOut]
    children: list[ChildOut]
    map_url: str = Field(
        description="a prefecture's county boundaries (GeoJSON, features named as ``children``), or empty"
    )
