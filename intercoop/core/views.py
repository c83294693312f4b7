from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from intercoop.core import permissions, services
from intercoop.core.forms import SignupForm
from intercoop.core.pagination import paginate


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("directory:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("directory:home")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's messages, newest first; posting marks them read."""
    user = permissions.authenticated_user(request)
    if request.method == "POST":
        services.notifications_mark_read(user=user)
        return redirect("inbox")
    paged = paginate(user.notifications.all(), page=request.GET.get("page", 1), page_size=50)
    return render(request, "core/inbox.html", {"paged": paged})
