"""How a poll is decided and what was voted, in words (the active language), with the
poll's own numbers: the page says it beside the poll, the API may return it. One place,
so the page and the API can never word a rule differently."""

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from intercoop.governance.models import Body, Poll

# Who votes in each kind of body: one sentence, shown by the pages and the API alike.
WHO_VOTES = {
    Body.Kind.NETWORK: gettext_lazy(
        "In a network, each member organisation has one vote, cast by its delegate or, "
        "when it has none, by any of its administrators."
    ),
    Body.Kind.ORGANIZATION: gettext_lazy("In an organisation, each of its people has one vote."),
    Body.Kind.COMMITTEE: gettext_lazy("In a committee, each of its named members has one vote."),
}


def who_votes(body: Body) -> str:
    return str(WHO_VOTES[Body.Kind(body.kind)])


def stance_label(stance: str) -> str:
    labels = {
        "agree": _("Agree"),
        "abstain": _("Abstain"),
        "disagree": _("Disagree"),
        "block": _("Block"),
        "consent": _("Consent"),
        "object": _("Object"),
    }
    return labels.get(stance, stance)


def _proposal_rule(poll: Poll) -> str:
    fraction = poll.get_threshold_display()
    if poll.rule == Poll.Rule.SUPERMAJORITY:
        if poll.threshold == Poll.Threshold.ALL:
            return _("Passes when all the votes cast agree; abstentions count only towards quorum.")
        return _(
            "Passes when at least %(fraction)s of the votes cast agree; abstentions count only "
            "towards quorum."
        ) % {"fraction": fraction}
    if poll.rule == Poll.Rule.SUPERMAJORITY_ELIGIBLE:
        return _(
            "Passes when at least %(fraction)s of the whole electorate agree, not only of the "
            "votes cast."
        ) % {"fraction": fraction}
    if poll.rule == Poll.Rule.CONSENSUS:
        return _(
            "Passes when nobody blocks and at least %(fraction)s of the votes cast agree; "
            "abstentions count only towards quorum."
        ) % {"fraction": fraction}
    return _(
        "Passes when more than half of the votes cast agree; abstentions count only towards quorum."
    )


def _ranked_rule(poll: Poll, options: int) -> str:
    if poll.method == Poll.Method.BORDA:
        return _(
            "Borda points: with %(n)s options, a ballot's first preference gets %(n)s points, "
            "its second %(next)s, and so on; options left unranked get none. Most points wins."
        ) % {"n": options, "next": max(options - 1, 0)}
    if poll.method == Poll.Method.SCHULZE:
        return _(
            "Schulze method: the options are compared in pairs over all the ballots; the one "
            "that beats every other along the strongest paths wins."
        )
    return _(
        "Instant runoff: the option with the fewest votes is excluded and its ballots pass to "
        "their next preference, until one option holds more than half of the votes still "
        "counting."
    )


def _election_rule(poll: Poll) -> str:
    if poll.method == Poll.Method.MEEK_STV:
        return ngettext(
            "Single transferable vote by Meek's method, %(seats)s seat: every elected "
            "candidate keeps only the part of each vote it needs to reach the quota, (votes "
            "not exhausted) ÷ (seats + 1), and passes the rest on.",
            "Single transferable vote by Meek's method, %(seats)s seats: every elected "
            "candidate keeps only the part of each vote it needs to reach the quota, (votes "
            "not exhausted) ÷ (seats + 1), and passes the rest on.",
            poll.seats,
        ) % {"seats": poll.seats}
    return ngettext(
        "Single transferable vote by the Scottish rules, %(seats)s seat: Droop quota "
        "⌊valid ÷ (seats + 1)⌋ + 1; an elected candidate's surplus passes on at a transfer "
        "value truncated to five decimals, largest surplus first; ties are broken by the "
        "earlier stages, then by lot.",
        "Single transferable vote by the Scottish rules, %(seats)s seats: Droop quota "
        "⌊valid ÷ (seats + 1)⌋ + 1; an elected candidate's surplus passes on at a transfer "
        "value truncated to five decimals, largest surplus first; ties are broken by the "
        "earlier stages, then by lot.",
        poll.seats,
    ) % {"seats": poll.seats}


def rule_text(poll: Poll, options: int | None = None) -> str:
    """How the poll's result is decided, in one or two sentences with its numbers.
    `options`: how many options it has (counted when not given)."""
    if poll.is_proposal:
        return _proposal_rule(poll)
    if poll.is_consent:
        return _("Passes when nobody objects.")
    if options is None:
        options = poll.options.count() if poll.pk else 0
    if poll.is_choice:
        if poll.min_choices == poll.max_choices:
            return ngettext(
                "Most votes wins; choose %(n)s option.",
                "Most votes wins; choose %(n)s options.",
                poll.max_choices,
            ) % {"n": poll.max_choices}
        return _("Most votes wins; choose %(low)s to %(high)s options.") % {
            "low": poll.min_choices,
            "high": poll.max_choices,
        }
    if poll.is_score:
        return _("Highest mean score wins; score each option from 0 to %(max)s.") % {
            "max": poll.score_max
        }
    if poll.is_dot:
        return ngettext(
            "%(n)s dot each to place on the options; most dots wins.",
            "%(n)s dots each to place on the options; most dots wins.",
            poll.dots,
        ) % {"n": poll.dots}
    if poll.is_election:
        return _election_rule(poll)
    return _ranked_rule(poll, options)


def quorum_text(poll: Poll, electorate: int | None = None) -> str:
    """The quorum in words: how many of how many voters must vote (`electorate`: the
    number of voters, once the poll has opened)."""
    if not poll.quorum:
        return _("No quorum: the result stands however many vote.")
    abstain = poll.is_proposal
    if electorate is None:
        if abstain:
            return _("At least %(quorum)s%% of the electorate must vote; abstentions count.") % {
                "quorum": poll.quorum
            }
        return _("At least %(quorum)s%% of the electorate must vote.") % {"quorum": poll.quorum}
    values = {"quorum": poll.quorum, "n": electorate}
    if abstain:
        return (
            ngettext(
                "At least %(quorum)s%% of the %(n)s voter must vote; abstentions count.",
                "At least %(quorum)s%% of the %(n)s voters must vote; abstentions count.",
                electorate,
            )
            % values
        )
    return (
        ngettext(
            "At least %(quorum)s%% of the %(n)s voter must vote.",
            "At least %(quorum)s%% of the %(n)s voters must vote.",
            electorate,
        )
        % values
    )


def weights_text(poll: Poll) -> str:
    if poll.weighting != Poll.Weighting.CUSTOM:
        return _("One vote each.")
    return _(
        "Votes are weighted: each voter's weight is fixed when the poll opens and shown in "
        "the electorate list."
    )


def anonymity_text(poll: Poll) -> str:
    if poll.anonymous:
        return " ".join([
            _("Anonymous: who voted is shown, never how, and the results only once the poll "
              "has closed."),
            _("The server keeps a keyed link between each voter and their ballot, so that "
              "you can change your vote until the poll closes."),
            _("Your receipt finds your ballot in the published list, and lets you show "
              "anyone how you voted."),
        ])  # fmt: skip
    return _("Named: the ballot list shows who voted how, with their reasons.")


def visibility_text(poll: Poll) -> str:
    if poll.results_visible == Poll.Visibility.ALWAYS:
        return _("Results are shown as the votes come in.")
    if poll.results_visible == Poll.Visibility.AFTER_VOTE:
        return _("Results are shown to each voter once they have voted.")
    return _("Results are shown once the poll has closed.")


def _number(value: Any) -> str:
    """A count as the page shows it: whole numbers as they are, fractions to 5 decimals."""
    if isinstance(value, float) and value != int(value):
        return number_format(value, 5)
    return number_format(int(value))


def choice_text(poll: Poll, choice: dict[str, Any]) -> str:
    """What a ballot says, in words: "Agree", "Ana, Ben", "Ana 3, Ben 5", "1. Ana 2. Ben"."""
    if "stance" in choice:
        return stance_label(choice["stance"])
    if "options" in choice:
        return ", ".join(choice["options"]) or "—"
    if "ranking" in choice:
        return " ".join(f"{i}. {name}" for i, name in enumerate(choice["ranking"], start=1))
    values = choice.get("scores") or choice.get("dots") or {}
    return ", ".join(f"{name} {value}" for name, value in values.items()) or "—"


def stage_heading(stage: dict[str, Any]) -> str:
    """A count's stage in the reader's language (the stored 'action' is English)."""
    event, name = stage.get("event", ""), stage.get("candidate", "")
    if event == "first":
        return _("First preferences")
    if event == "surplus":
        value = stage.get("value")
        return _("Surplus of %(name)s (transfer value %(value)s)") % {
            "name": name,
            "value": number_format(value if value is not None else 0, 5),
        }
    if event == "exclusion":
        return _("Exclusion of %(name)s") % {"name": name}
    if event == "redistribution":
        return _("Surpluses redistributed")
    if event == "points":
        return _("Borda points")
    if event == "paths":
        return _("Wins along the strongest paths")
    return str(stage.get("action", ""))


def stage_number(value: Any) -> str:
    return _number(value)


def lot_text(entry: str) -> str:
    """A decision the count took by lot, in the reader's language (the count logs it in
    English: "exclusion: Ben chosen by lot among Ben, Cai")."""
    why, _colon, rest = entry.partition(": ")
    name, found, among = rest.partition(" chosen by lot among ")
    reasons = {
        "order of election": _("Order of election"),
        "largest surplus": _("Largest surplus"),
        "exclusion": _("Exclusion"),
        "winner": _("Winner"),
        "equal points": _("Equal points"),
        "Schulze tie": _("Tie on the strongest paths"),
    }
    if not found or why not in reasons:
        return entry
    return _("%(why)s: %(name)s chosen by lot among %(among)s") % {
        "why": reasons[why],
        "name": name,
        "among": among,
    }
