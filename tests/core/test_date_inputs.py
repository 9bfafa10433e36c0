"""A browser's date picker takes ISO dates only: a Chinese page must not fill it in the language's own format
(2020/02/10), or the picker shows empty and the form is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils.translation import override

from bastion.command.forms import DATE as COMMAND_DATE
from bastion.core.forms import AuditFilterForm
from bastion.mobilization.forms import DATE as MOBILIZATION_DATE
from bastion.observation.forms_care import DATE as CARE_DATE
from bastion.residents.forms import DATE as RESIDENTS_DATE


@pytest.mark.parametrize(
    "widget",
    [COMMAND_DATE, MOBILIZATION_DATE, CARE_DATE, RESIDENTS_DATE, AuditFilterForm.base_fields["date_from"].widget],
)
def test_date_pickers_get_iso_dates_in_chinese(widget: forms.Widget) -> None:
    with override("zh-hans"):
        assert 'value="2020-02-10"' in widget.render("day", dt.date(2020, 2, 10))
