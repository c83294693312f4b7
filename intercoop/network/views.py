from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from intercoop.core import permissions
from intercoop.directory import vocab
from intercoop.network.engine import NODE_METRICS
from intercoop.network.models import Relationship


def network_graph(request: HttpRequest, slug: str) -> HttpResponse:
    network = permissions.access_network(request.user, slug=slug)
    return render(
        request,
        "network/graph.html",
        {
            "network": network,
            "kinds": Relationship.Kind.choices,
            "formalities": Relationship.Formality.choices,
            "activities": vocab.choices("activity"),
            "structures": vocab.choices("organisational_structure"),
            "metrics": [m for m in NODE_METRICS if m not in {"community", "articulation_point"}],
            "labels": {
                "kinds": dict(Relationship.Kind.choices),
                "formalities": dict(Relationship.Formality.choices),
                "structures": dict(vocab.choices("organisational_structure")),
                "activities": dict(vocab.choices("activity")),
                "open": str(_("Open the organisation's page")),
                "articulation": str(_("Single point of failure")),
                "figures": {
                    "size": str(_("Organisations")),
                    "ties": str(_("Ties")),
                    "density": str(_("Density")),
                    "components": str(_("Components")),
                    "average_path_length": str(_("Average path length")),
                    "reciprocity": str(_("Reciprocity")),
                    "formal_share": str(_("Share of formal ties")),
                    "communities": str(_("Communities")),
                    "articulation_points": str(_("Single points of failure")),
                },
            },
        },
    )
