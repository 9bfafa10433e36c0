"""Excel files as the organisation department keeps them."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

REGISTER_HEADER = ["姓名", "手机号", "类别", "所在单位", "特长"]
ASSIGNMENT_HEADER = ["姓名", "手机号", "报到单位"]


def workbook(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
