from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from intercoop.core import permissions, services
from intercoop.core.background import task_result_url, task_runs_for
from intercoop.core.errors import DomainError
from intercoop.core.forms import ImportForm, SignupForm, add_domain_errors
from intercoop.core.imports import import_job_submit, import_jobs_for, importers_for
from intercoop.core.middleware import current_request_id
from intercoop.core.pagination import paginate
from intercoop.core.permissions import NotFoundReason


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("directory:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("dashboard")
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


def _back(request: HttpRequest) -> str:
    """The page the visitor came from, when it is one of ours and not this one."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return ""
    try:  # a Host header we do not serve (the 400 page's own cause): no link back then
        here, host = request.build_absolute_uri(), request.get_host()
    except DisallowedHost:
        return ""
    if referer != here and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return referer
    return ""


def _error(
    request: HttpRequest, status: int, template: str, detail: str, *, title: str = ""
) -> HttpResponse:
    """API paths answer errors in the API's JSON shape; pages render a page in the site's
    layout saying what happened (title), why where that is safe (detail) and where to go."""
    if request.path.startswith("/api/"):
        from intercoop.core.api import error_body

        return JsonResponse(error_body(detail), status=status)
    context = {"status": status, "title": title or detail, "detail": detail if title else ""}
    return render(request, template, context | {"back": _back(request)}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        return _error(request, 413, "400.html", _("The request is too large"))
    return _error(request, 400, "400.html", _("The request could not be understood"))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # The reason a rule gives ("The round is not taking bids") is written for the user.
    reason = str(exception or "")
    if request.path.startswith("/api/"):
        return _error(request, 403, "403.html", reason or _("Not allowed"))
    return _error(request, 403, "403.html", reason, title=_("Not allowed"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused for its missing or stale CSRF token: usually a page left open."""
    return _error(
        request, 403, "403.html",
        _("The form had expired or came from another site. Reload the page and send it again."),
        title=_("Not allowed"),
    )  # fmt: skip


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Only a NotFoundReason's message is written for the visitor ("No such network");
    # Django's own Http404 messages may name a model or a query: never shown.
    reason = exception.message if isinstance(exception, NotFoundReason) else ""
    if request.path.startswith("/api/"):
        return _error(request, 404, "404.html", reason or _("Not found"))
    return _error(
        request, 404, "404.html",
        reason or _("We could not find the page or the item you asked for."),
        title=_("Page not found"),
    )  # fmt: skip


def server_error(request: HttpRequest) -> HttpResponse:
    detail = _("Server error (request %(id)s)") % {"id": current_request_id()}
    if request.path.startswith("/api/"):
        return _error(request, 500, "500.html", detail)
    # The 500 page needs no database and no context processor: the error may be theirs.
    context = {"detail": detail, "site_name": settings.SITE_NAME, "back": _back(request)}
    try:
        body: str = render_to_string("500.html", context)
    except Exception:  # the page itself failed (a missing static file): plain text then
        return HttpResponse(
            f"{_('Something went wrong on our side')}. {detail}", status=500,
            content_type="text/plain; charset=utf-8",
        )  # fmt: skip
    return HttpResponse(body, status=500, content_type="text/html")


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    """Upload a file to import (coordinators and staff) and follow earlier imports."""
    user = permissions.authenticated_user(request)
    importers = importers_for(user)
    networks = sorted({n for i in importers for n in i.networks_for(user)}, key=lambda n: n[1])
    form = ImportForm(
        request.POST or None, request.FILES or None, importers=importers, networks=networks
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_submit(
                actor=user,
                format=form.cleaned_data["format"],
                filename=upload.name,
                data=upload.read(settings.UPLOAD_MAX_BYTES + 1),
                network_slug=form.cleaned_data["network"] or "",
                skip_bad_rows=form.cleaned_data["skip_bad_rows"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The file is queued for import."))
            return redirect("import_job", pk=job.pk)
    paged = paginate(import_jobs_for(user), page=request.GET.get("page", 1), page_size=25)
    return render(
        request,
        "core/imports.html",
        {"form": form, "paged": paged, "may_import": bool(importers)},
        status=200 if importers or paged.count else 403,
    )


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(import_jobs_for(permissions.authenticated_user(request)), pk=pk)
    return render(request, "core/import_job.html", {"job": job})


@login_required
def task_run(request: HttpRequest, pk: int) -> HttpResponse:
    """A background task's state; refreshes itself until done, then links to its result."""
    run = get_object_or_404(task_runs_for(permissions.authenticated_user(request)), pk=pk)
    result_url = task_result_url(run)
    if run.status == run.Status.DONE and result_url and "stay" not in request.GET:
        messages.success(request, run.detail)
        return redirect(result_url)
    return render(request, "core/task_run.html", {"run": run, "result_url": result_url})
