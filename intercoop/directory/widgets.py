"""Form widgets of the directory: choosing an organisation by name and place."""

from typing import Any

from django import forms
from django.urls import reverse


class OrganizationPicker(forms.TextInput):
    """A text box for an organisation's slug that core/combobox.js turns into an
    autocomplete (the WAI-ARIA "combobox with listbox popup" pattern) searching the
    directory by name and place. Without JavaScript it stays a text box: typing the exact
    slug works, and the slug is what the form receives either way. `network` restricts
    the suggestions to that network's members."""

    template_name = "directory/widgets/organization_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, network: str = "") -> None:
        super().__init__(attrs)
        self.network = network

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        base = widget["attrs"].get("id") or f"id_{name}"
        source = reverse("api-1:suggest_organizations")
        if self.network:
            source += f"?network={self.network}"
        widget["listbox_id"] = f"{base}-listbox"
        widget["status_id"] = f"{base}-status"
        widget["attrs"].update(
            {
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": widget["listbox_id"],
                "autocomplete": "off",
                "spellcheck": "false",
                "data-combobox": "organization",
                "data-source": source,
            }
        )
        return context
