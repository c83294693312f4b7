"""Poll pages: start or change a draft, the poll with its rule, ballots, results,
comments and outcome; the stage-by-stage sheet of a count; the published ballot list and
the downloads.

Pages decide what to show (404 for a poll the user may not see, and for results not yet
shown to them); every write is the service's, which checks its own rule — a refused
write is the service's 403, and a refused value is shown beside its field."""

import math
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from intercoop.core.errors import DomainError
from intercoop.core.forms import add_domain_errors, id_param
from intercoop.core.models import Profile
from intercoop.core.notifications import display_name
from intercoop.core.pagination import paginate
from intercoop.core.permissions import NotFoundReason
from intercoop.governance import permissions, selectors, services, wording
from intercoop.governance.forms import (
    AmendForm,
    BallotForm,
    CommentForm,
    OpenForm,
    OutcomeForm,
    PollForm,
    ReopenForm,
)
from intercoop.governance.models import Body, Option, Poll
from intercoop.governance.paths import BODY_KINDS, body_url
from intercoop.governance.results import CONSENT_STANCES, PROPOSAL_STANCES

COUNTED_BY_TRANSFERS = ("scottish-stv", "meek-stv", "irv")
ELECTORATE_INLINE = 50  # voters listed on the poll's page; more on their own pages


def _poll(request: HttpRequest, pk: int) -> Poll:
    poll = Poll.objects.select_related("body", "created_by", "outcome_by").filter(pk=pk).first()
    if poll is None or not permissions.can_view_poll(request.user, poll):
        raise NotFoundReason(_("No such poll, or not one you may see"))
    return poll


def _with_results(request: HttpRequest, pk: int) -> Poll:
    """The poll, when its results (and so its ballots and files) are shown to the user."""
    poll = _poll(request, pk)
    if not selectors.results_visible(request.user, poll):
        raise NotFoundReason(_("The results of this poll are not shown to you yet"))
    return poll


# Starting and changing a draft


def _save_poll(request: HttpRequest, form: PollForm, body: Body, poll: Poll | None) -> Poll:
    """Create (or update) the draft and, with "Save and open", open it: all or nothing."""
    values = form.values()
    options, closes_at = values.pop("options"), values.pop("closes_at")
    with transaction.atomic():
        if poll is None:
            poll = services.poll_create(
                actor=request.user, body=body, kind=values.pop("kind"), options=options,
                closes_at=closes_at, **values,
            )  # fmt: skip
        else:
            poll = services.poll_update(
                actor=request.user, poll=poll, options=options, closes_at=closes_at, **values
            )
        if "open" in request.POST:
            poll = services.poll_open(actor=request.user, poll=poll)
    return poll


def _draft_saved(request: HttpRequest, poll: Poll) -> HttpResponse:
    if poll.is_open:
        messages.success(request, _("The poll is open; its electorate has been told."))
    else:
        messages.success(request, _("The draft is saved. Open it when it is ready."))
    return redirect("governance:poll", pk=poll.pk)


@login_required
def poll_create(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    body = selectors.body_by_path(BODY_KINDS[kind], slug)
    if body is None or not permissions.can_propose(request.user, body):
        raise NotFoundReason(_("No such body, or not one where you may start a poll"))
    preset = request.GET.get("kind", "")
    form = PollForm(
        request.POST or None,
        initial={"kind": preset if preset in Poll.Kind.values else Poll.Kind.PROPOSAL},
        may_weigh=permissions.can_set_weights(request.user, body),
    )
    if request.method == "POST" and form.is_valid():
        try:
            poll = _save_poll(request, form, body, None)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            return _draft_saved(request, poll)
    return render(
        request, "governance/poll_form.html",
        {"form": form, "body": body, "body_url": body_url(body), "poll": None},
    )  # fmt: skip


@login_required
def poll_edit(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _poll(request, pk)
    if not permissions.can_edit_draft(request.user, poll):
        raise PermissionDenied(_("Only a draft's proposer or the body's managers may change it"))
    form = PollForm(
        request.POST or None,
        poll=poll,
        may_weigh=permissions.can_set_weights(request.user, poll.body),
    )
    if request.method == "POST" and form.is_valid():
        try:
            poll = _save_poll(request, form, poll.body, poll)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            return _draft_saved(request, poll)
    return render(
        request, "governance/poll_form.html",
        {"form": form, "body": poll.body, "body_url": body_url(poll.body), "poll": poll},
    )  # fmt: skip


# The poll's page


def _rows(names: list[tuple[str, str]], values: dict[str, Any]) -> list[dict[str, Any]]:
    """Table rows (label, number as shown, bar width in per cent of the largest)."""
    top = max([float(values.get(key, 0)) for key, _label in names] + [0])
    return [
        {
            "label": label,
            "value": wording.stage_number(values.get(key, 0)),
            "width": round(100 * float(values.get(key, 0)) / top) if top else 0,
        }
        for key, label in names
    ]


def _verdict(poll: Poll, result: dict[str, Any], closed: bool) -> str:
    if result.get("passed") is not None:
        if closed:
            return _("Passed.") if result["passed"] else _("Not passed.")
        return (
            _("As the votes stand, it would pass.")
            if result["passed"]
            else _("As the votes stand, it would not pass.")
        )
    winners = ", ".join(result.get("winners") or [])
    if not result.get("voters"):
        return _("No votes yet.")
    if not winners:
        return _("Nobody elected.") if closed else _("Nobody would be elected yet.")
    if poll.is_election:
        return (_("Elected: %(names)s.") if closed else _("As the ballots stand: %(names)s.")) % {
            "names": winners
        }
    if len(result["winners"]) > 1:
        return (_("Tied: %(names)s.") if closed else _("Tied so far: %(names)s.")) % {
            "names": winners
        }
    return (_("Chosen: %(names)s.") if closed else _("Leading: %(names)s.")) % {"names": winners}


def _quorum_missed(result: dict[str, Any], closed: bool) -> str:
    if result.get("quorum_met", True):
        return ""
    values = {
        "voters": result["voters"],
        "electorate": result["electorate"],
        "needed": math.ceil(result["quorum"] * result["electorate"] / 100),
    }
    if closed:
        return (
            ngettext(
                "Quorum missed: %(voters)s of the %(electorate)s voter voted, and at least "
                "%(needed)s had to. The result does not stand.",
                "Quorum missed: %(voters)s of the %(electorate)s voters voted, and at least "
                "%(needed)s had to. The result does not stand.",
                result["electorate"],
            )
            % values
        )
    return (
        ngettext(
            "Quorum not reached yet: %(voters)s of the %(electorate)s voter has voted; at least "
            "%(needed)s must.",
            "Quorum not reached yet: %(voters)s of the %(electorate)s voters have voted; at least "
            "%(needed)s must.",
            result["electorate"],
        )
        % values
    )


def _quota_formula(result: dict[str, Any]) -> str:
    """The quota with its sum: "⌊12 ÷ 3⌋ + 1 = 5" (Scottish STV); Meek's final quota."""
    count = result.get("count") or {}
    if count.get("quota") is None:
        return ""
    quota = wording.stage_number(count["quota"])
    if count["method"] != "scottish-stv":
        return quota
    valid = wording.stage_number(count["valid"])
    return f"⌊{valid} ÷ {count['seats'] + 1}⌋ + 1 = {quota}"


def _quota(result: dict[str, Any]) -> str:
    formula = _quota_formula(result)
    if not formula:
        return ""
    if result["count"]["method"] == "scottish-stv":
        return _("Quota: %(formula)s") % {"formula": formula}
    return _("Final quota: %(formula)s") % {"formula": formula}


def result_view(poll: Poll, result: dict[str, Any], closed: bool | None = None) -> dict[str, Any]:
    """The result as the page shows it: rows with bars, verdict, quorum, turnout
    (`closed`: worded as final; by default when the poll is closed)."""
    closed = poll.is_closed if closed is None else closed
    view: dict[str, Any] = {
        "verdict": _verdict(poll, result, closed),
        "passed": result.get("passed"),
        "quorum_missed": _quorum_missed(result, closed),
        "turnout": ngettext(
            "%(voters)s of %(electorate)s voter voted.",
            "%(voters)s of %(electorate)s voters voted.",
            result["electorate"],
        )
        % {"voters": result["voters"], "electorate": result["electorate"]},
        "rows": [],
        "quota": _quota(result),
    }
    if poll.weighting == Poll.Weighting.CUSTOM:
        view["weight"] = _("Weight cast: %(cast)s of %(total)s.") % {
            "cast": result["weight_cast"],
            "total": result["electorate_weight"],
        }
    counts = result.get("counts") or {}
    if poll.is_proposal or poll.is_consent:
        stances = PROPOSAL_STANCES if poll.is_proposal else CONSENT_STANCES
        view["rows"] = _rows([(s, wording.stance_label(s)) for s in stances], counts)
    elif poll.is_score:
        means = result.get("means", {})
        for name, mean in means.items():
            spread = result.get("distribution", {}).get(name, {})
            view["rows"].append({
                "label": name,
                "value": number_format(mean, 2),
                "width": round(100 * mean / poll.score_max) if poll.score_max else 0,
                "spread": [(score, wording.stage_number(w))
                           for score, w in sorted(spread.items(), key=lambda i: int(i[0]))],
            })  # fmt: skip
    elif counts:
        view["rows"] = _rows([(name, name) for name in counts], counts)
    return view


def _vote_entries(
    request: HttpRequest, poll: Poll, options: list[Option], bound: BallotForm | None
) -> list[dict[str, Any]]:
    """Each voter the user casts for, with its current ballot in words and, while the
    poll is open, its ballot form (`bound`: the one just refused, as it was posted)."""
    entries = []
    for mine in selectors.my_votes(request.user, poll):
        ballot = mine.ballot
        form = None
        if poll.is_open:
            if bound is not None and bound.voter.pk == mine.voter.pk:
                form = bound
            else:
                form = BallotForm(
                    poll=poll, options=options, voter=mine.voter,
                    choice=ballot.choice if ballot else None,
                    reason=ballot.reason if ballot else "",
                )  # fmt: skip
        entries.append({
            "mine": mine,
            "form": form,
            "current": wording.choice_text(poll, ballot.choice) if ballot else "",
        })  # fmt: skip
    return entries


def _comments(poll: Poll) -> list[tuple[Any, str]]:
    """Each comment with its author's name (their profiles read in one query)."""
    comments = list(poll.comments.select_related("author"))
    authors = {c.author_id for c in comments if c.author_id}
    names: dict[int | None, str] = dict(
        Profile.objects.filter(user_id__in=authors)
        .exclude(display_name="")
        .values_list("user_id", "display_name")
    )
    return [
        (c, names.get(c.author_id) or (c.author.get_username() if c.author else ""))
        for c in comments
    ]


def _detail(request: HttpRequest, poll: Poll, **forms: Any) -> HttpResponse:
    """The poll's page; `forms` are forms refused just now, shown with their errors."""
    user = request.user
    options = list(poll.options.all())
    summary = selectors.electorate_summary(poll) if not poll.is_draft else None
    # a small electorate is listed on the page; a large one on its own pages
    inline = summary is not None and summary["voters"] <= ELECTORATE_INLINE
    custom = poll.weighting == Poll.Weighting.CUSTOM
    shown = selectors.results_visible(user, poll)
    result = selectors.poll_result_of(poll) if shown else None
    votes = _vote_entries(request, poll, options, forms.get("vote"))
    context: dict[str, Any] = {
        "poll": poll,
        "body_url": body_url(poll.body),
        "options": options,
        "rule": wording.rule_text(poll, len(options)),
        "quorum": wording.quorum_text(poll, summary["voters"] if summary else None),
        "weights_note": wording.weights_text(poll) if custom else "",
        "anonymity": wording.anonymity_text(poll),
        "visibility": wording.visibility_text(poll),
        "custom_weights": custom,
        "proposer": display_name(poll.created_by),
        "outcome_by": display_name(poll.outcome_by),
        "votes": votes,
        "results_shown": shown,
        # hidden until the user votes (when they may), else until the close
        "results_after_your_vote": poll.results_visible == Poll.Visibility.AFTER_VOTE
        and any(not entry["mine"].by_proxy for entry in votes),
        "result": result,
        "shown_result": result_view(poll, result) if result else None,
        "electorate": summary,
        "electorate_rows": list(selectors.electorate(poll)) if inline else None,
        "comments": _comments(poll),
        "rounds": [
            (r, result_view(poll, r.result, closed=True) if r.result else None)
            for r in poll.rounds.all()
        ],
        "may_edit": permissions.can_edit_draft(user, poll),
        "may_close": permissions.can_close_early(user, poll),
        "may_reopen": permissions.can_reopen(user, poll),
        "may_amend": permissions.can_amend(user, poll),
        "may_comment": permissions.can_comment(user, poll),
        "may_state_outcome": permissions.can_write_outcome(user, poll),
    }
    if context["may_edit"]:
        context["open_form"] = forms.get("open") or OpenForm(initial={"closes_at": poll.closes_at})
    if context["may_reopen"]:
        context["reopen_form"] = forms.get("reopen") or ReopenForm()
    if context["may_amend"]:
        context["amend_form"] = forms.get("amend") or AmendForm(
            initial={"title": poll.title, "details": poll.details}
        )
    if context["may_comment"]:
        context["comment_form"] = forms.get("comment") or CommentForm()
    if context["may_state_outcome"]:
        context["outcome_form"] = forms.get("outcome") or OutcomeForm(
            initial={"outcome": poll.outcome}
        )
    return render(request, "governance/poll_detail.html", context)


@login_required
def poll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _poll(request, pk))


@require_POST
@login_required
def poll_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Cast or change the ballot of one of the voters the user casts for (`voter`: its
    id; without it, their own)."""
    poll = _poll(request, pk)
    mine = selectors.my_votes(request.user, poll)
    wanted = id_param(request.POST.get("voter"))
    if request.POST.get("voter") and not wanted:
        raise NotFoundReason(_("No such voter in this poll"))
    entry = next((m for m in mine if m.voter.pk == wanted or not wanted), None)
    if entry is None:
        return _vote_refused(request, poll, wanted)
    form = BallotForm(request.POST, poll=poll, options=list(poll.options.all()), voter=entry.voter)
    if form.is_valid():
        try:
            _ballot, receipt = services.ballot_cast(
                actor=request.user, poll=poll, choice=form.choice(), reason=form.reason(),
                voter=entry.voter,
            )  # fmt: skip
        except DomainError as error:
            if error.field == "poll":  # closed meanwhile: there is no ballot form to show
                messages.error(request, error.message)
                return redirect("governance:poll", pk=poll.pk)
            form.add_service_error(error.field, error.message)
        else:
            if receipt:
                messages.success(
                    request,
                    _("Your vote is saved. Your receipt: %(receipt)s") % {"receipt": receipt},
                )
            else:
                messages.success(request, _("Your vote is saved."))
            return redirect("governance:poll", pk=poll.pk)
    return _detail(request, poll, vote=form)


def _vote_refused(request: HttpRequest, poll: Poll, wanted: int) -> HttpResponse:
    """A ballot posted for a voter the user does not cast for: the service is asked, and
    its refusal (a 403 saying why) stands; should it not refuse (a proxy given since the
    page was shown), the poll's page is shown again with the voter's ballot form."""
    other = get_object_or_404(poll.voters, pk=wanted) if wanted else None
    try:
        services.ballot_cast(actor=request.user, poll=poll, choice={}, voter=other)
    except DomainError as error:
        if error.field == "poll":  # closed meanwhile
            messages.error(request, error.message)
    return redirect("governance:poll", pk=poll.pk)


def _write(
    request: HttpRequest, pk: int, form_class: Any, name: str, write: Any, done: str
) -> HttpResponse:
    """A POST to one of the page's small forms: the service writes it, or the page comes
    back with the form and its errors."""
    poll = _poll(request, pk)
    form = form_class(request.POST) if form_class else None
    if form is None or form.is_valid():
        try:
            write(poll, form.cleaned_data if form else {})
        except DomainError as error:
            if form is None:
                messages.error(request, error.message)
                return redirect("governance:poll", pk=poll.pk)
            add_domain_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("governance:poll", pk=poll.pk)
    return _detail(request, poll, **{name: form})


@require_POST
@login_required
def poll_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _write(
        request, pk, OpenForm, "open",
        lambda poll, data: services.poll_open(
            actor=request.user, poll=poll, closes_at=data["closes_at"]
        ),
        _("The poll is open; its electorate has been told."),
    )  # fmt: skip


@require_POST
@login_required
def poll_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _write(
        request, pk, None, "close",
        lambda poll, data: services.poll_close(actor=request.user, poll=poll),
        _("The poll is closed and its result stored."),
    )  # fmt: skip


@require_POST
@login_required
def poll_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _write(
        request, pk, ReopenForm, "reopen",
        lambda poll, data: services.poll_reopen(
            actor=request.user, poll=poll, closes_at=data["closes_at"]
        ),
        _("The poll is open again; its ballots stand and may be changed."),
    )  # fmt: skip


@require_POST
@login_required
def poll_amend(request: HttpRequest, pk: int) -> HttpResponse:
    return _write(
        request, pk, AmendForm, "amend",
        lambda poll, data: services.poll_amend(
            actor=request.user, poll=poll, details=data["details"],
            closes_at=data["closes_at"], title=data["title"] or None,
        ),
        _("The proposal is amended and open for a new round."),
    )  # fmt: skip


@require_POST
@login_required
def poll_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    return _write(
        request, pk, OutcomeForm, "outcome",
        lambda poll, data: services.poll_outcome_set(
            actor=request.user, poll=poll, outcome=data["outcome"]
        ),
        _("The outcome is stated; the electorate has been told."),
    )  # fmt: skip


@require_POST
@login_required
def poll_comment(request: HttpRequest, pk: int) -> HttpResponse:
    return _write(
        request, pk, CommentForm, "comment",
        lambda poll, data: services.comment_add(actor=request.user, poll=poll, text=data["text"]),
        _("Your comment is added."),
    )  # fmt: skip


# The count's stages, the ballots and the files


def stage_sheet(poll: Poll, result: dict[str, Any]) -> dict[str, Any]:
    """The count as councils publish it: one column per stage, one row per candidate,
    each cell the candidate's total after that stage (blank once excluded), the elected
    marked in the stage where they were elected, and a row of non-transferable papers."""
    count = result["count"]
    stages = count["stages"]
    names = [o.name for o in poll.options.all()]
    names += [n for n in (stages[0]["totals"] if stages else {}) if n not in names]
    excluded_at = {s["candidate"]: i for i, s in enumerate(stages) if s["event"] == "exclusion"}
    rows = []
    for name in names:
        cells = []
        for i, stage in enumerate(stages):
            gone = name in excluded_at and i > excluded_at[name]
            cells.append({
                "value": "" if gone else wording.stage_number(stage["totals"].get(name, 0)),
                "elected": name in stage.get("elected", []),
                "excluded": excluded_at.get(name) == i,
            })  # fmt: skip
        rows.append({"name": name, "cells": cells, "elected": name in count["elected"]})
    voters, electorate = result["voters"], result["electorate"]
    return {
        "headings": [wording.stage_heading(s) for s in stages],
        "rows": rows,
        "exhausted": [wording.stage_number(s["exhausted"]) for s in stages]
        if count["method"] in COUNTED_BY_TRANSFERS
        else [],
        "method": Poll.Method(count["method"]).label,
        "seats": count["seats"],
        "valid": wording.stage_number(count["valid"]),
        "quota": _quota_formula(result),
        "elected": count["elected"],
        "electorate": electorate,
        "voters": voters,
        "turnout": 100 * voters / electorate if electorate else 0,
        "seed": count["seed"],
        "lots": [wording.lot_text(entry) for entry in count["lots"]],
    }


@login_required
def poll_stages(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _with_results(request, pk)
    result = selectors.poll_result_of(poll)
    if not poll.is_ranked or not result or "count" not in result:
        raise NotFoundReason(_("Only a ranked poll or an election has a count by stages"))
    return render(
        request,
        "governance/poll_stages.html",
        {"poll": poll, "sheet": stage_sheet(poll, result), "body_url": body_url(poll.body)},
    )


@login_required
def poll_electorate(request: HttpRequest, pk: int) -> HttpResponse:
    """The electorate fixed at opening, shown to all who see the poll: names, weights and
    whether each voted (never how), 100 a page."""
    poll = _poll(request, pk)
    if poll.is_draft:
        raise NotFoundReason(_("A draft has no electorate yet: it is fixed when the poll opens"))
    paged = paginate(selectors.electorate(poll), page=request.GET.get("page"), page_size=100)
    return render(
        request,
        "governance/poll_electorate.html",
        {
            "poll": poll,
            "paged": paged,
            "summary": selectors.electorate_summary(poll),
            "custom_weights": poll.weighting == Poll.Weighting.CUSTOM,
        },
    )


@login_required
def poll_ballots(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _with_results(request, pk)
    receipts = {m.receipt for m in selectors.my_votes(request.user, poll) if m.receipt}
    ballots = [
        b | {"text": wording.choice_text(poll, b["choice"]), "mine": b.get("receipt") in receipts}
        for b in selectors.ballot_list(poll)
    ]
    return render(
        request,
        "governance/poll_ballots.html",
        {
            "poll": poll,
            "ballots": ballots,
            "custom_weights": poll.weighting == Poll.Weighting.CUSTOM,
        },
    )


def _download(poll: Poll, text: str, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="poll-{poll.pk}-{name}"'
    return response


@login_required
def ballots_blt(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _with_results(request, pk)
    if not poll.is_ranked:
        raise NotFoundReason(_("Only a ranked poll or an election has BLT ballots"))
    return _download(poll, selectors.ballots_blt(poll), "ballots.blt", "text/plain")


@login_required
def ballots_csv(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _with_results(request, pk)
    return _download(poll, selectors.ballots_csv(poll), "ballots.csv", "text/csv")


@login_required
def results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _with_results(request, pk)
    return _download(poll, selectors.results_csv(poll), "results.csv", "text/csv")


@login_required
def results_json(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _with_results(request, pk)
    return _download(poll, selectors.results_json(poll), "results.json", "application/json")
