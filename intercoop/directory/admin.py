"""Django admin for staff. Every save and delete, inlines included, goes through the same
services as the site with the signed-in user as the actor (fields.clean_organization
checks the form; the services check their rule, save and record the audit event), so the
admin follows the same rules and leaves the same history. Memberships are read-only here:
they change by application, admission and leaving, on the site."""

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models
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
    """Read-only: a membership changes by applying, admission and leaving (services)."""

    model = NetworkMembership
    extra = 0
    fields = ["organization", "status", "applied_on", "joined_on", "left_on"]
    readonly_fields = ["organization", "status", "applied_on", "joined_on", "left_on"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _run(admin_: admin.ModelAdmin, request: HttpRequest, write: Callable[[], Any]) -> bool:
    """Run one service call; its refusal becomes an error message, not a 500."""
    try:
        write()
    except (DomainError, PermissionDenied) as error:
        admin_.message_user(request, getattr(error, "message", str(error)), messages.ERROR)
        return False
    return True


def _role_changes(formset: Any) -> tuple[list[Any], list[User]]:
    """A roles formset as (rows to assign, people whose role goes): deleted rows, and the
    person a changed row used to name."""
    kept = [
        form
        for form in formset.forms
        if form.has_changed() and form not in formset.deleted_forms and form.cleaned_data
    ]
    gone = [form.initial.get("user") for form in formset.deleted_forms if form.instance.pk]
    gone += [
        form.initial.get("user")
        for form in kept
        if form.instance.pk and form.initial.get("user") != form.cleaned_data["user"].pk
    ]
    # What the admin's change message reads (the services made the changes, not the
    # formset; the audit events hold the details).
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    return kept, list(User.objects.filter(pk__in=[pk for pk in gone if pk]))


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
        if change:
            saved = services.organization_update(
                actor=request.user,
                organization=Organization.objects.get(pk=obj.pk),
                values=values,
            )
        else:
            saved = services.organization_create(actor=request.user, values=values)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """People's roles, through organization_role_assign/remove (new and changed rows
        first, so that replacing the last admin works)."""
        organization = form.instance
        kept, gone = _role_changes(formset)
        for row in kept:
            _run(
                self,
                request,
                partial(
                    services.organization_role_assign,
                    actor=request.user,
                    organization=organization,
                    user=row.cleaned_data["user"],
                    role=row.cleaned_data["role"],
                ),
            )
        for person in gone:
            _run(
                self,
                request,
                partial(
                    services.organization_role_remove,
                    actor=request.user,
                    organization=organization,
                    user=person,
                ),
            )

    def delete_model(self, request: HttpRequest, obj: Organization) -> None:
        services.organization_delete(actor=request.user, organization=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Organization]) -> None:
        for organization in queryset:
            services.organization_delete(actor=request.user, organization=organization)

    def _review(
        self, request: HttpRequest, queryset: QuerySet[Organization], approve: bool
    ) -> None:
        done = 0
        for organization in queryset.filter(approval=Organization.Approval.PENDING):
            done += _run(
                self,
                request,
                partial(
                    services.organization_review,
                    actor=request.user,
                    organization=organization,
                    approve=approve,
                ),
            )
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
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "slug", "kind"]
    search_fields = ["name", "slug"]
    inlines = [NetworkRoleInline, MembershipInline]

    def save_model(self, request: HttpRequest, obj: Network, form: Any, change: bool) -> None:
        if change:
            services.network_update(
                actor=request.user,
                network=Network.objects.get(pk=obj.pk),
                name=obj.name,
                kind=obj.kind,
                description=obj.description,
                website=obj.website,
            )
            obj.refresh_from_db()
            return
        created = services.network_create(
            actor=request.user,
            slug=obj.slug,
            name=obj.name,
            kind=obj.kind,
            description=obj.description,
        )
        if obj.website:
            services.network_update(
                actor=request.user,
                network=created,
                name=created.name,
                kind=created.kind,
                description=created.description,
                website=obj.website,
            )
        obj.pk, obj.created_at = created.pk, created.created_at

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["slug", "created_at"] if obj else ["created_at"]

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return {} if obj else {"slug": ("name",)}

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Coordinators, through network_role_assign/remove; memberships are read-only."""
        if formset.model is not NetworkRole:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        network = form.instance
        kept, gone = _role_changes(formset)
        for row in kept:
            _run(
                self,
                request,
                partial(
                    services.network_role_assign,
                    actor=request.user,
                    network=network,
                    user=row.cleaned_data["user"],
                    role=row.cleaned_data["role"],
                ),
            )
        for person in gone:
            _run(
                self,
                request,
                partial(
                    services.network_role_remove, actor=request.user, network=network, user=person
                ),
            )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a network's history (rounds, runs, ledgers) hangs on it


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

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
