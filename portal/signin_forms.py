"""The staff login form, the authenticator enrolment form (see portal.signin), and the
customers' sign-in and sign-up forms (django-allauth's, in plainer words)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from django_otp import match_token
from wagtail.admin.forms.auth import LoginForm

from portal import signin

TOKEN_MAX_LENGTH = 8


if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a str or a lazy translation; types only


def _token_field(required: bool, help_text: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=_("Authentication code"),
        required=required,
        max_length=TOKEN_MAX_LENGTH,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
        help_text=help_text,
    )


class StaffLoginForm(LoginForm):
    """Wagtail's login form, for staff only, with the authenticator code as a second step.

    A customer's correct password is refused here exactly like a wrong one (and counted as a
    failure), before anything is written to a session. Staff with an authenticator must give
    its current code: the session is marked verified (django-otp) only then.
    """

    otp_token = _token_field(
        required=False,
        help_text=_(
            "If you set up two-step sign-in: the six digits your authenticator app shows now."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Wagtail's field has no label, so Django printed its name, "Password", in English.
        self.fields["password"].label = _("Password")

    def _refuse(self, error: forms.ValidationError) -> None:
        # Counted by axes (lockout) and logged by portal.signin like any failed sign-in.
        user_login_failed.send(
            sender=__name__,
            credentials={"username": self.cleaned_data.get("username", "")},
            request=self.request,
        )
        raise error

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not signin.is_staff_member(user):
            self._refuse(self.get_invalid_login_error())
        if signin.has_authenticator(user):
            token = self.cleaned_data.get("otp_token") or ""
            device = match_token(user, token) if token.isdigit() else None
            if device is None:
                self._refuse(
                    forms.ValidationError(
                        _("Enter the current code from your authenticator app."),
                        code="invalid_otp",
                    )
                )
            # django-otp marks the session verified with this device when login() runs.
            user.otp_device = device


class ConfirmAuthenticatorForm(forms.Form):
    """Enrolment: the first code from the newly scanned authenticator proves it works."""

    otp_token = _token_field(
        required=True, help_text=_("The six digits your authenticator app shows now.")
    )

    def __init__(self, *args: Any, device: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_otp_token(self) -> str:
        token = self.cleaned_data["otp_token"]
        if not token.isdigit() or not self.device.verify_token(token):
            raise forms.ValidationError(
                _("That code did not match. Check the time on your phone and try the new code."),
                code="invalid_otp",
            )
        return token


class CustomerLoginForm(allauth_forms.LoginForm):
    """The customers' sign-in form (allauth's) in plain words: one label that says what to type,
    a placeholder that shows an example rather than repeating the label, and "remember me"
    saying what it does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("User name or e-mail")
        login.widget.attrs["placeholder"] = _("e.g. zhangwei or name@example.com")
        # The placeholder of allauth's password field only repeats its label.
        self.fields["password"].widget.attrs.pop("placeholder", None)
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me signed in on this device")


class CustomerSignupForm(allauth_forms.SignupForm):
    """The customers' sign-up form with examples instead of labels repeated as placeholders."""

    PLACEHOLDERS: ClassVar[dict[str, StrOrPromise]] = {
        "email": _("name@example.com"),
        "username": _("e.g. zhangwei2025"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in self.PLACEHOLDERS:
                field.widget.attrs["placeholder"] = self.PLACEHOLDERS[name]
            elif name.startswith("password"):
                field.widget.attrs.pop("placeholder", None)
        if "password2" in self.fields:
            self.fields["password2"].label = _("Password again")
