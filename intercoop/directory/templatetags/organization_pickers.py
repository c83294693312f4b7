"""{% organization_picker "member" network=round.network.slug label=_("Member") %}: the
autocomplete for an organisation in a form written by hand in a template."""

from django import template
from django.utils.safestring import SafeString

from intercoop.directory.widgets import OrganizationPicker

register = template.Library()


@register.simple_tag
def organization_picker(
    name: str,
    *,
    network: str = "",
    label: str = "",
    id: str = "",
    value: str = "",
    required: bool = True,
) -> SafeString:
    attrs: dict[str, object] = {"id": id or f"id_{name}"}
    if label:
        attrs["aria-label"] = label
    if required:
        attrs["required"] = True
    return SafeString(OrganizationPicker(network=network).render(name, value, attrs))
