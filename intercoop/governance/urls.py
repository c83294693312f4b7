from django.urls import path, register_converter

from intercoop.governance import views_bodies, views_polls
from intercoop.governance.paths import BODY_KINDS

app_name = "governance"


class BodyKindConverter:
    """`networks`, `organizations` or `committees` in a body's address."""

    regex = "|".join(BODY_KINDS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(BodyKindConverter, "bodykind")
BODY = "decide/<bodykind:kind>/<slug:slug>/"
POLL = "decide/polls/<int:pk>/"

urlpatterns = [
    path("decide/", views_bodies.index, name="index"),
    path("decide/committees/new/", views_bodies.committee_create, name="committee_create"),
    path(BODY, views_bodies.body_detail, name="body"),
    path(BODY + "settings/", views_bodies.body_settings, name="body_settings"),
    path(BODY + "proxies/", views_bodies.proxies, name="proxies"),
    path(BODY + "delegates/", views_bodies.delegates, name="delegates"),
    path(BODY + "polls/new/", views_polls.poll_create, name="poll_create"),
    path("decide/proxies/<int:pk>/revoke/", views_bodies.proxy_revoke, name="proxy_revoke"),
    path(POLL, views_polls.poll_detail, name="poll"),
    path(POLL + "edit/", views_polls.poll_edit, name="poll_edit"),
    path(POLL + "open/", views_polls.poll_open, name="poll_open"),
    path(POLL + "close/", views_polls.poll_close, name="poll_close"),
    path(POLL + "reopen/", views_polls.poll_reopen, name="poll_reopen"),
    path(POLL + "amend/", views_polls.poll_amend, name="poll_amend"),
    path(POLL + "outcome/", views_polls.poll_outcome, name="poll_outcome"),
    path(POLL + "vote/", views_polls.poll_vote, name="poll_vote"),
    path(POLL + "comments/", views_polls.poll_comment, name="poll_comment"),
    path(POLL + "stages/", views_polls.poll_stages, name="poll_stages"),
    path(POLL + "ballots/", views_polls.poll_ballots, name="poll_ballots"),
    path(POLL + "electorate/", views_polls.poll_electorate, name="poll_electorate"),
    path(POLL + "ballots.blt", views_polls.ballots_blt, name="poll_ballots_blt"),
    path(POLL + "ballots.csv", views_polls.ballots_csv, name="poll_ballots_csv"),
    path(POLL + "results.csv", views_polls.results_csv, name="poll_results_csv"),
    path(POLL + "results.json", views_polls.results_json, name="poll_results_json"),
]
