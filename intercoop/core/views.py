from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from intercoop.core import permissions, services
from intercoop.core.forms import SignupForm
from intercoop.core.middleware import current_request_id
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


def _error(request: HttpRequest, status: int, template: str, detail: str) -> HttpResponse:
    """API paths answer errors in the API's JSON shape; pages render a page."""
    if request.path.startswith("/api/"):
        from intercoop.core.api import error_body

        return JsonResponse(error_body(detail), status=status)
    return render(request, template, {"detail": detail}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        return _error(request, 413, "400.html", _("The request is too large"))
    return _error(request, 400, "400.html", _("The request could not be understood"))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "403.html", str(exception or "") or _("Not allowed"))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "404.html", _("Not found"))


def server_error(request: HttpRequest) -> HttpResponse:
    detail = _("Server error (request %(id)s)") % {"id": current_request_id()}
    if request.path.startswith("/api/"):
        return _error(request, 500, "500.html", detail)
    # The 500 page needs no database and no context processor.
    return HttpResponse(
        render_to_string("500.html", {"detail": detail}), status=500, content_type="text/html"
    )
