"""Forms of the community's public pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from community.complaints import MAX_ATTACHMENTS, validate_attachments
from community.models import ComplaintCategory, ComplaintChannel, Member
from community.moderation import MAX_SUSPENSION_DAYS, MIN_SUSPENSION_DAYS
from community.posting import TITLE_CONTROL_CHARACTERS
from products.models import ProductPage

BODY_MAX = 20_000


def nul_field(*sources: QueryDict) -> str | None:
    """The first parameter (name or value) carrying a NUL character, which no database stores."""
    for source in sources:
        for name, values in source.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name.replace("\x00", "\\0")
    return None


def refuse_nul_characters(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer 400 naming the field when a query or form parameter carries a NUL character.

    Forms refuse NUL already (Django's CharField); this covers the parameters views read
    directly, which would otherwise reach PostgreSQL and fail there (a 500).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        sources = [request.GET]
        if request.method == "POST":
            sources.append(request.POST)
        name = nul_field(*sources)
        if name is not None:
            return HttpResponseBadRequest(
                _("%(field)s: remove the NUL character (\\0).") % {"field": name},
                content_type="text/plain; charset=utf-8",
            )
        return view(request, *args, **kwargs)

    return wrapper


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    body = forms.CharField(
        label=_("Message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, *italic*, > quote, - list, [link](https://…)."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=100,
        help_text=_("Up to 5, separated by commas."),
    )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].replace("\t", " ")
        # CR/LF and other control characters would break the e-mail subjects built from titles.
        if TITLE_CONTROL_CHARACTERS.search(title):
            raise ValidationError(
                _("Write the title on one line, without control characters."),
                code="control_characters",
            )
        return title

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        tags = [t.strip()[:50] for t in raw.replace("，", ",").split(",") if t.strip()]
        if len(tags) > 5:
            raise ValidationError(_("Use at most 5 tags."))
        return tags


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italic*, > quote, - list, [link](https://…)."),
    )


class SuspensionForm(forms.Form):
    """How long a moderator suspends a member: bounded, so no date arithmetic can overflow."""

    days = forms.IntegerField(
        label=_("Days"), min_value=MIN_SUSPENSION_DAYS, max_value=MAX_SUSPENSION_DAYS
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should a moderator look at this post?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DisplayNameForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["display_name"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("What is it about?"), choices=ComplaintCategory.choices)
    product = forms.ModelChoiceField(
        label=_("Product (if any)"), queryset=None, required=False, empty_label=_("None")
    )
    channel = forms.ChoiceField(label=_("Where did it happen?"), choices=ComplaintChannel.choices)
    description = forms.CharField(
        label=_("What happened, and what would you like the bank to do?"),
        max_length=5000,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    attachments = MultipleFileField(
        label=_("Photos or PDF (optional)"),
        required=False,
        help_text=_("Up to 3 files, 5 MB each: JPEG, PNG, GIF, WebP or PDF."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = ProductPage.objects.live().order_by("title")

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("Attach at most 3 files."))
        validate_attachments(files)
        return files


class ComplaintReplyForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
