"""`GET /healthz` for load balancers, uptime checks and `make run`: is the database there?

No session, no sign-in, no redirect to HTTPS (SECURE_REDIRECT_EXEMPT), never cached.
"""

import logging
from importlib.metadata import PackageNotFoundError, version

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _version() -> str:
    try:
        return version("intercoop")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not healthy"; the log says which
        logger.exception("health check: the database does not answer")
        return False


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    healthy = database_answers()
    body = {
        "status": "ok" if healthy else "error",
        "database": "ok" if healthy else "error",
        "version": _version(),
        "time": timezone.now().isoformat(),
    }
    return JsonResponse(body, status=200 if healthy else 503)
