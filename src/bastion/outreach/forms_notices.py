"""The notice form: the publishing unit, the audience, the times, and a title and body per language (Chinese first)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bastion.core.forms import UnitChoiceField
from bastion.core.models import OrgUnit
from bastion.outreach.languages import CHINESE, NOTICE_LANGUAGES, NoticeLanguage
from bastion.outreach.models import Notice
from bastion.outreach.services.notices import AUDIENCE_MAX, BODY_MAX, TITLE_MAX

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _key(language: NoticeLanguage) -> str:
    return language.code.replace("-", "_")


def title_field(language: NoticeLanguage) -> str:
    return f"title_{_key(language)}"


def body_field(language: NoticeLanguage) -> str:
    return f"body_{_key(language)}"


class NoticeForm(forms.Form):
    """The language fields are added per language; empty ones are dropped, the service checks the rest."""

    org_unit = UnitChoiceField(label=_("publishing unit"), queryset=OrgUnit.objects.none())
    audience = forms.CharField(
        label=_("audience"),
        max_length=AUDIENCE_MAX,
        required=False,
        help_text=_("For example: people returning from Hubei, shop owners, everyone."),
    )
    publish_at = forms.DateTimeField(
        label=_("published from"),
        required=False,
        widget=DATETIME,
        help_text=_("Leave it empty to keep the notice as a draft."),
    )
    withdraw_at = forms.DateTimeField(
        label=_("withdrawn at"),
        required=False,
        widget=DATETIME,
        help_text=_("Leave it empty to keep it up until it is withdrawn."),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit] | None = None, notice: Notice | None = None, **kwargs: Any):
        if notice is not None:
            initial = {"audience": notice.audience, "publish_at": notice.publish_at, "withdraw_at": notice.withdraw_at}
            for language in NOTICE_LANGUAGES:
                version = notice.texts.get(language.code, {})
                initial[title_field(language)] = version.get("title", "")
                initial[body_field(language)] = version.get("body", "")
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        if notice is None:
            self.fields["org_unit"].queryset = units if units is not None else OrgUnit.objects.none()  # type: ignore[attr-defined]
        else:
            del self.fields["org_unit"]  # a notice stays with the unit that published it
        for language in NOTICE_LANGUAGES:
            chinese = language.code == CHINESE
            attrs = {"lang": language.code, "dir": "rtl" if language.rtl else "auto"}
            self.fields[title_field(language)] = forms.CharField(
                label=pgettext_lazy("heading", "title"),
                max_length=TITLE_MAX,
                required=False,
                widget=forms.TextInput(attrs=attrs),
            )
            self.fields[body_field(language)] = forms.CharField(
                label=_("text"),
                max_length=BODY_MAX,
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={**attrs, "rows": 12 if chinese else 8}),
                help_text=_("Plain text; a blank line starts a new paragraph.") if chinese else "",
            )

    def general_fields(self) -> list[forms.BoundField]:
        """The fields other than the language versions."""
        return [self[name] for name in ("org_unit", "audience", "publish_at", "withdraw_at") if name in self.fields]

    def languages(self) -> list[dict[str, Any]]:
        """Per language, in order: the language, its two bound fields, whether it is open (has text or an error)."""
        rows = []
        for language in NOTICE_LANGUAGES:
            title, body = self[title_field(language)], self[body_field(language)]
            filled = bool(title.value() or body.value() or title.errors or body.errors)
            rows.append({"language": language, "title": title, "body": body, "open": filled})
        return rows

    def texts(self) -> dict[str, dict[str, str]]:
        """The language versions typed in, those left empty dropped (the service checks what is left)."""
        data = self.cleaned_data
        texts = {}
        for language in NOTICE_LANGUAGES:
            title, body = data.get(title_field(language), ""), data.get(body_field(language), "")
            if title.strip() or body.strip():
                texts[language.code] = {"title": title, "body": body}
        return texts

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "texts": self.texts(),
            "audience": data.get("audience", ""),
            "publish_at": data.get("publish_at"),
            "withdraw_at": data.get("withdraw_at"),
        }
