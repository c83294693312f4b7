"""Django admin for staff. Organisations are written through the same services as the
site (fields.clean_organization checks the form; the services save), so the admin
follows the same rules."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from intercoop.core.errors import DomainError
from intercoop.directory import services
from intercoop.directory.fields import FIELDS, clean_organization
from intercoop.directory.models import (
    ImportRun,
    Network,
    NetworkMembership,
    NetworkRole,
    Organization,
    OrganizationRole,
)

EDITABLE = [name for name in FIELDS if name != "slug"]


class OrganizationAdminForm(forms.ModelForm):
    slug = forms.SlugField(required=False, help_text=_("Made from the name when left empty."))
    website = forms.URLField(required=False, assume_scheme="https", max_length=500)

    class Meta:
        model = Organization
        fields = ["slug", *EDITABLE]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        values = {name: cleaned.get(name) for name in EDITABLE}
        values["other_activities"] = (values["other_activities"] or "").split()
        _clean, errors = clean_organization(values)
        for field, reason in errors.items():
            self.add_error(field if field in self.fields else None, reason)
        return cleaned


class OrganizationRoleInline(admin.TabularInline):
    model = OrganizationRole
    extra = 0
    autocomplete_fields = ["user"]


class MembershipInline(admin.TabularInline):
    model = NetworkMembership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationAdminForm
    list_display = ["name", "slug", "organisational_structure", "locality", "country", "approval"]
    list_filter = ["approval", "is_cooperative", "status", "organisational_structure", "country"]
    search_fields = ["name", "slug", "external_id", "locality"]
    readonly_fields = [
        "approval",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "import_run",
    ]
    inlines = [OrganizationRoleInline]
    actions = ["approve", "reject"]

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in EDITABLE}
        values["other_activities"] = (values["other_activities"] or "").split()
        if form.cleaned_data.get("slug"):
            values["slug"] = form.cleaned_data["slug"]
        actor = request.user if request.user.is_authenticated else None
        if change:
            saved = services.organization_update(
                actor=actor, organization=Organization.objects.get(pk=obj.pk), values=values
            )
        else:
            saved = services.organization_create(actor=actor, values=values)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def _review(
        self, request: HttpRequest, queryset: QuerySet[Organization], approve: bool
    ) -> None:
        actor = request.user if request.user.is_authenticated else None
        done = 0
        for organization in queryset.filter(approval=Organization.Approval.PENDING):
            try:
                services.organization_review(
                    actor=actor, organization=organization, approve=approve
                )
                done += 1
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
        self.message_user(request, _("%(n)d organisation(s) reviewed.") % {"n": done})

    @admin.action(description=_("Approve the selected pending organisations"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Organization]) -> None:
        self._review(request, queryset, approve=True)

    @admin.action(description=_("Reject the selected pending organisations"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Organization]) -> None:
        self._review(request, queryset, approve=False)


class NetworkRoleInline(admin.TabularInline):
    model = NetworkRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ["created_at"]
    inlines = [NetworkRoleInline, MembershipInline]

    def save_model(self, request: HttpRequest, obj: Network, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.network_create(
            slug=obj.slug, name=obj.name, kind=obj.kind, description=obj.description
        )
        obj.pk, obj.created_at = created.pk, created.created_at


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "format",
        "filename",
        "created_count",
        "updated_count",
        "skipped_count",
    ]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
