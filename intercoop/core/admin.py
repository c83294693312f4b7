from django.contrib import admin
from django.http import HttpRequest

from intercoop.core.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made with `intercoop create-token` (the key is shown once); staff may
    see and revoke them here."""

    list_display = ["name", "user", "created_at", "last_used_at"]
    readonly_fields = ["name", "user", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
