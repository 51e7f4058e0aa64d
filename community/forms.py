"""Forms of the community's public pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from community.complaints import MAX_ATTACHMENTS, validate_attachments
from community.models import ComplaintCategory, ComplaintChannel, Member

BODY_MAX = 20_000


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
        from products.models import ProductPage

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
