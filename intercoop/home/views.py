from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _

from intercoop.core import services
from intercoop.core.errors import DomainError
from intercoop.core.forms import add_domain_errors
from intercoop.core.notifications import profile_for
from intercoop.core.permissions import authenticated_user
from intercoop.home import selectors
from intercoop.home.forms import ProfileForm
from intercoop.home.language import remember_profile


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in user's home: their organisations and networks, what needs them, and
    what happened lately."""
    user = authenticated_user(request)
    context: dict[str, Any] = selectors.dashboard(user=user)
    context["tasks"] = [(task, task.url) for task in context["tasks"]]
    return render(request, "home/dashboard.html", context)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Name shown, e-mail, preferred language and notification settings."""
    user = authenticated_user(request)
    form = ProfileForm(request.POST or None, profile=profile_for(user), email=user.email)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.profile_update(
                actor=user,
                user=user,
                display_name=form.cleaned_data["display_name"],
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
                delivery=form.cleaned_data["delivery"],
                deliveries=form.deliveries(),
                current_password=form.cleaned_data["current_password"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            language = saved.language or translation.get_language() or settings.LANGUAGE_CODE
            with translation.override(language):
                messages.success(request, _("Your profile is saved."))
            response = redirect("profile")
            remember_profile(request, saved, response=response)
            return response
    return render(request, "home/profile.html", {"form": form})


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "home/password_change.html"
    success_url = reverse_lazy("profile")

    def form_valid(self, form: Any) -> HttpResponse:
        # the form checks the entries; the service changes the password and records it
        user = authenticated_user(self.request)
        try:
            services.password_change(
                actor=user, user=user, old=form.cleaned_data["old_password"],
                new=form.cleaned_data["new_password1"],
            )  # fmt: skip
        except DomainError as error:
            add_domain_errors(form, error)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)  # stay signed in here
        messages.success(self.request, _("Your password is changed."))
        return redirect(self.get_success_url())
