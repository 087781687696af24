"""
Signing in, out and changing or resetting one's password on the app's own pages.

Django's auth views with the app's templates. The sign-in form asks administrators for the
same second factor as the admin's (danvan.twofactor), and passes the request to
authenticate(), so django-axes counts failures and locks out (its 429 page) as on the admin.
A reset request answers the same whether or not an account has that address.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from danvan.core.throttling import SignInPageThrottle, too_many_requests
from danvan.twofactor.forms import SecondFactorLoginForm


class AppLoginForm(SecondFactorLoginForm):
    """The admin's sign-in (password, then the code for administrators), open to everyone."""

    error_messages = {
        **SecondFactorLoginForm.error_messages,
        "invalid_login": _(
            "The user name or password is wrong. Both are case-sensitive; check the keyboard's "
            "language and Caps Lock."
        ),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        # Only an active account: not the admin's "staff only".
        AuthenticationForm.confirm_login_allowed(self, user)


class AppPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ThrottledPost:
    """A POST past the address's allowance (SignInPageThrottle) gets the 429 page."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        throttle = SignInPageThrottle()
        if not throttle.allow_request(request, None):  # type: ignore[arg-type]
            return too_many_requests(request, throttle)
        return super().post(request, *args, **kwargs)  # type: ignore[misc]


class LoginView(ThrottledPost, auth.LoginView):
    form_class = AppLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return {**context, "second_factor_on": settings.ADMIN_REQUIRE_OTP}


class PasswordResetView(ThrottledPost, auth.PasswordResetView):
    def form_valid(self, form: Any) -> HttpResponse:
        # The link is on SITE_URL, like every e-mail of the site: never the Host a request
        # claimed.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


urlpatterns = [
    path("dang-nhap/", LoginView.as_view(), name="login"),
    path("dang-xuat/", auth.LogoutView.as_view(), name="logout"),
    path(
        "tai-khoan/mat-khau/",
        auth.PasswordChangeView.as_view(template_name="accounts/password_change.html"),
        name="password_change",
    ),
    path(
        "tai-khoan/mat-khau/da-doi/",
        auth.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "quen-mat-khau/",
        PasswordResetView.as_view(
            form_class=AppPasswordResetForm,
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "quen-mat-khau/da-gui/",
        auth.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        auth.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
