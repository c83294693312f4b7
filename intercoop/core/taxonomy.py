"""The shared taxonomy of offers and needs, and the curated list of challenges."""

from django.utils.translation import gettext_lazy as _

CATEGORIES = {
    "energy": _("Energy"),
    "food": _("Food and drink"),
    "cleaning": _("Cleaning and facilities"),
    "printing": _("Printing and design"),
    "it": _("IT and software"),
    "waste": _("Waste and recycling"),
    "building": _("Building and maintenance"),
    "professional": _("Professional services"),
    "transport": _("Transport and logistics"),
    "textiles": _("Textiles and clothing"),
    "furniture": _("Furniture and equipment"),
    "care": _("Health and care"),
    "training": _("Education and training"),
    "finance": _("Finance and insurance"),
    "housing": _("Housing"),
    "other": _("Other"),
}
CHALLENGES = {
    "energy_costs": _("Energy costs"),
    "succession": _("Succession"),
    "member_engagement": _("Member engagement"),
    "financing": _("Financing"),
    "hiring": _("Hiring"),
    "governance": _("Governance"),
    "digital": _("Going digital"),
    "premises": _("Premises"),
    "growth": _("Growth"),
    "supply_chain": _("Supply chain"),
    "other": _("Other"),
}
