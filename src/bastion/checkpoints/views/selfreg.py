"""Self-registration (自助登记): the public form a traveller opens from the post's QR code, its confirmation,
and the post's printable poster.

The form and the confirmation need no account: they are found by signed values (see
``bastion.checkpoints.tokens``) and throttled per client address. The client address is
``REMOTE_ADDR``: the project has no trusted-proxy setting, so ``X-Forwarded-For`` is not believed.
"""

from __future__ import annotations

import io
import uuid
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from bastion.checkpoints.forms import add_passage_fields, split_extra
from bastion.checkpoints.models import Passage, Post
from bastion.checkpoints.selectors import post_get_for_user
from bastion.checkpoints.services.passages import passage_fields
from bastion.checkpoints.services.selfreg import Throttled, attempt_note, passage_self_register, source_of
from bastion.checkpoints.tokens import (
    TokenRefused,
    form_stamp,
    passage_from_token,
    passage_token,
    post_for_form,
    post_from_token,
    post_token,
)
from bastion.core.models import OrgUnit
from bastion.core.pdf import font_covering, qr_drawing, styles, text
from bastion.core.services.audit import audit_record
from bastion.core.views.helpers import AuthedRequest, apply_errors
from bastion.reporting.services.immediate import command_unit_of

DESTINATION_KINDS = (OrgUnit.Kind.TOWNSHIP, OrgUnit.Kind.VILLAGE, OrgUnit.Kind.COMMUNITY)


def destinations(post: Post) -> list[tuple[OrgUnit, str]]:
    """The county's active townships, villages and communities, in tree order, labelled with their township."""
    low, high = command_unit_of(post.org_unit).subtree_bounds
    units = list(
        OrgUnit.objects.filter(is_active=True, kind__in=DESTINATION_KINDS, path__gte=low, path__lt=high).order_by(
            "path"
        )
    )
    townships = {unit.pk: unit for unit in units if unit.kind == OrgUnit.Kind.TOWNSHIP}
    labelled = []
    for unit in units:
        township = next((townships[pk] for pk in unit.ancestor_ids if pk in townships), None)
        label = f"{township.display_name} · {unit.display_name}" if township else unit.display_name
        labelled.append((unit, label))
    return labelled


class SelfRegisterForm(forms.Form):
    direction = forms.ChoiceField(
        label=gettext_lazy("Direction"),
        choices=Passage.Direction.choices,
        initial=Passage.Direction.IN,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=gettext_lazy("Full name"), max_length=100, widget=forms.TextInput({"autocomplete": "name"})
    )
    id_number = forms.CharField(
        label=gettext_lazy("ID number"),
        max_length=18,
        required=False,
        widget=forms.TextInput({"autocomplete": "off", "autocapitalize": "characters"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput({"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    plate = forms.CharField(
        label=gettext_lazy("Vehicle plate"),
        max_length=10,
        required=False,
        help_text=gettext_lazy("if you came by your own vehicle"),
        widget=forms.TextInput({"autocapitalize": "characters"}),
    )
    from_region = forms.CharField(
        label=gettext_lazy("Coming from"), max_length=100, help_text=gettext_lazy("province, city, county")
    )
    from_division_code = forms.CharField(
        label=gettext_lazy("Division code of origin"),
        max_length=12,
        required=False,
        help_text=gettext_lazy("if you know it, such as 420100"),
        widget=forms.TextInput({"inputmode": "numeric"}),
    )
    to_unit = forms.TypedChoiceField(label=gettext_lazy("Going to"), coerce=int, required=False, empty_value=None)
    to_outside = forms.CharField(
        label=gettext_lazy("Going to (outside the county)"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("only if you are not staying in the county"),
    )
    purpose = forms.CharField(label=gettext_lazy("Purpose"), max_length=100, required=False)
    temperature = forms.DecimalField(
        label=gettext_lazy("Temperature (°C)"),
        max_digits=3,
        decimal_places=1,
        required=False,
        help_text=gettext_lazy("if it was measured"),
        widget=forms.NumberInput({"step": "0.1", "inputmode": "decimal"}),
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    stamp = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, post: Post, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labelled = destinations(post)
        self.units = {unit.pk: unit for unit, _label in labelled}
        field = self.fields["to_unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Outside the county")), *((unit.pk, label) for unit, label in labelled)]
        add_passage_fields(self, passage_fields())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unit_id = cleaned.get("to_unit")
        cleaned["to_unit"] = self.units.get(unit_id) if unit_id is not None else None
        if cleaned["to_unit"] is None and not cleaned.get("to_outside"):
            self.add_error("to_unit", _("Choose where you are going in the county, or write where outside it."))
        return cleaned


def _refused(request: HttpRequest, message: str, status: int, post: Post | None = None) -> HttpResponse:
    """A refusal page (a bad or old link, too many attempts); nothing was stored."""
    return render(request, "checkpoints/selfreg/refused.html", {"message": message, "post": post}, status=status)


@never_cache
def self_register(request: HttpRequest, token: str) -> HttpResponse:
    """The form a traveller fills in on their phone; GET shows it, POST registers."""
    try:
        post = post_from_token(token)
    except TokenRefused as exc:
        return _refused(request, exc.message, 400)
    if request.method != "POST":
        form = SelfRegisterForm(post=post, initial={"idempotency_key": uuid.uuid4(), "stamp": form_stamp(post)})
    else:
        source = source_of(request.META.get("REMOTE_ADDR", ""))
        try:
            attempt_note(source)
            post = post_for_form(token, request.POST.get("stamp", ""))
        except Throttled as exc:
            return _refused(request, exc.message, 429, post)
        except TokenRefused as exc:
            return _refused(request, exc.message, 400, post)
        form = SelfRegisterForm(request.POST, post=post)
        if form.is_valid():
            data = form.cleaned_data
            try:
                passage = passage_self_register(
                    post=post,
                    source=source,
                    idempotency_key=data["idempotency_key"],
                    direction=data["direction"],
                    name=data["name"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    plate=data["plate"],
                    from_region=data["from_region"],
                    from_division_code=data["from_division_code"],
                    to_unit=data["to_unit"],
                    to_outside=data["to_outside"],
                    purpose=data["purpose"],
                    temperature=data["temperature"],
                    extra=split_extra(data)["extra"],
                )
            except Throttled as exc:
                return _refused(request, exc.message, 429, post)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("checkpoints:self_register_done", token=passage_token(passage))
    return render(request, "checkpoints/selfreg/form.html", {"form": form, "post": post})


@never_cache
def self_register_done(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation the traveller shows at the post: the short code, large."""
    try:
        passage = passage_from_token(token)
    except TokenRefused as exc:
        return _refused(request, exc.message, 400)
    return render(
        request,
        "checkpoints/selfreg/done.html",
        {"passage": passage, "post": passage.post, "at": timezone.localtime(passage.at)},
    )


# The poster's instructions: Chinese always, and the post's second language when it has one. Written
# here rather than translated: a poster speaks both languages whatever the language of who prints it.
INSTRUCTIONS: dict[str, tuple[str, list[str]]] = {
    "zh-hans": (
        "扫码自助登记",
        [
            "1. 用手机扫描上方二维码，打开本卡点的登记页面（无需下载应用，无需注册）。",
            "2. 如实填写进出方向、姓名、身份证号、手机号、车牌号、从哪里来、到哪里去和体温。",
            "3. 提交后，请向卡点工作人员出示手机上的确认码，核验后通行。",
            "您的信息仅用于疫情防控。",
        ],
    ),
    "kk": (
        "QR-кодты сканерлеп, өзіңіз тіркеліңіз",
        [
            "1. Жоғарыдағы QR-кодты телефоныңызбен сканерлеңіз: бекеттің тіркеу беті ашылады "
            "(қосымша жүктеудің және тіркелгінің қажеті жоқ).",
            "2. Бағытты, аты-жөніңізді, жеке куәлік нөмірін, телефон нөмірін, көлік нөмірін, "
            "қайдан келіп, қайда бара жатқаныңызды және дене қызуыңызды дұрыс толтырыңыз.",
            "3. Жібергеннен кейін телефондағы растау кодын бекет қызметкеріне көрсетіңіз.",
            "Деректеріңіз тек індетпен күрес үшін пайдаланылады.",
        ],
    ),
    "ug": (
        "كودنى سىكاننېرلاپ ئۆزىڭىز تىزىملىتىڭ",
        [
            "1. يۇقىرىدىكى QR كودنى يانفونىڭىز بىلەن سىكاننېرلاڭ، تەكشۈرۈش پونكىتىنىڭ تىزىملىتىش بېتى ئېچىلىدۇ.",
            "2. يۆنىلىش، ئىسىم-فامىلە، كىملىك نومۇرى، تېلېفون نومۇرى، ماشىنا نومۇرى، قەيەردىن كېلىپ "
            "قەيەرگە بارىدىغانلىقىڭىز ۋە بەدەن تېمپېراتۇرىڭىزنى توغرا تولدۇرۇڭ.",
            "3. يوللىغاندىن كېيىن، يانفوندىكى جەزملەش كودىنى خىزمەتچىگە كۆرسىتىڭ.",
            "ئۇچۇرلىرىڭىز پەقەت يۇقۇملۇق كېسەلنىڭ ئالدىنى ئېلىش ئۈچۈنلا ئىشلىتىلىدۇ.",
        ],
    ),
    "en": (
        "Scan to register yourself",
        [
            "1. Scan the QR code above with your phone: it opens this checkpoint's registration page "
            "(no app, no account).",
            "2. Fill in the direction, your name, ID number, phone, vehicle plate, where you come from, "
            "where you are going and your temperature, truthfully.",
            "3. After sending, show the confirmation code on your phone to the staff at the checkpoint.",
            "Your data are used for epidemic control only.",
        ],
    ),
}
RIGHT_TO_LEFT = {"ug"}


def _second_language(lang: str) -> tuple[str, list[str], ParagraphStyle] | None:
    """The second language's instructions and a style whose font draws them, or None when it cannot.

    Arabic script (Uyghur) is printed only when reportlab can shape it (uharfbuzz installed): unshaped,
    its letters would stand apart and left to right, which no one could read.
    """
    if lang not in INSTRUCTIONS or lang == "zh-hans":
        return None
    heading, lines = INSTRUCTIONS[lang]
    font = font_covering(heading + "".join(lines), lang)
    if not font:
        return None
    rtl = lang in RIGHT_TO_LEFT
    if rtl and not getattr(pdfmetrics.getFont(font), "shapable", False):
        return None
    style = ParagraphStyle(
        f"poster-{lang}",
        fontName=font,
        fontSize=11,
        leading=15,
        spaceAfter=1 * mm,
        alignment=2 if rtl else 0,
        wordWrap="RTL" if rtl else None,
        shaping=1 if rtl else 0,
    )
    return heading, lines, style


def poster_pdf(post: Post, url: str) -> bytes:
    """An A4 poster: the post's name, the QR code of its self-registration, instructions in two languages."""
    look = styles()
    title = ParagraphStyle("poster-title", parent=look.title, fontSize=28, leading=36, spaceAfter=3 * mm)
    heading = ParagraphStyle("poster-heading", parent=look.title, fontSize=18, leading=24, spaceAfter=2 * mm)
    centred = ParagraphStyle("poster-centred", parent=look.small, alignment=1, spaceAfter=3 * mm)
    body = ParagraphStyle("poster-body", parent=look.body, fontSize=13, leading=19, spaceAfter=1.5 * mm)
    zh_heading, zh_lines = INSTRUCTIONS["zh-hans"]
    place = " · ".join(part for part in (post.org_unit.display_name, post.location) if part)
    story: list[Any] = [
        Paragraph(text(post.name), title),
        Paragraph(text(place), centred),
        Paragraph(text(zh_heading), heading),
        qr_drawing(url, 95 * mm),
        Paragraph(text(url), centred),
        *(Paragraph(text(line), body) for line in zh_lines),
    ]
    second = _second_language(post.second_language)
    if second is not None:
        other_heading, other_lines, style = second
        story += [
            Spacer(1, 3 * mm),
            Paragraph(
                text(other_heading), ParagraphStyle("poster-other-heading", parent=style, fontSize=14, leading=20)
            ),
            *(Paragraph(text(line), style) for line in other_lines),
        ]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=post.name,
        author="Bastion",
        topMargin=15 * mm,
        bottomMargin=12 * mm,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
    ).build(story)
    return buffer.getvalue()


@login_required
@permission_required("checkpoints.view_post", raise_exception=True)
def poster(request: AuthedRequest, post_id: int) -> HttpResponse:
    """The printable poster of a post in the user's scope."""
    post = post_get_for_user(request.user, post_id)
    url = request.build_absolute_uri(reverse("checkpoints:self_register", kwargs={"token": post_token(post)}))
    pdf = poster_pdf(post, url)
    audit_record(by=request.user, action="checkpoints.poster", obj=post, org_unit=post.org_unit)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poster-{post.pk}.pdf"'
    return response


urlpatterns: list[URLPattern] = [
    path("r/<str:token>/", self_register, name="self_register"),
    path("r/done/<str:token>/", self_register_done, name="self_register_done"),
    path("<int:post_id>/poster.pdf", poster, name="poster"),
]
