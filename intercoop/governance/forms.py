"""Forms of the poll pages. Presentation and parsing only: the services check the rules
(a poll's settings in `services._apply`, a ballot's choice in `ballots.check_choice`)."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT
from intercoop.core.widgets import DateTimeInput
from intercoop.governance.models import MAX_OPTIONS, MAX_WEIGHT, Option, Poll, Voter
from intercoop.governance.results import CONSENT_STANCES, PROPOSAL_STANCES
from intercoop.governance.wording import stance_label

SMALL = 32767  # the largest value of the poll's small number fields
MAX_WEIGHT_LINES = 10_000


def _closes_at(**options: Any) -> forms.DateTimeField:
    options.setdefault("label", _("Closes at"))
    return forms.DateTimeField(widget=DateTimeInput(), **options)


class _Form(forms.Form):
    """A form whose closing time (if it has one) says in which time zone it is read."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "closes_at" in self.fields:
            self.fields["closes_at"].help_text = gettext("In the site's time (%(zone)s).") % {
                "zone": settings.TIME_ZONE
            }


def _small(label: Any, **options: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=SMALL, **options)


class PollForm(_Form):
    """A poll's settings, grouped by the kinds they apply to (every field shows without
    JavaScript; the legends say which kinds each group is for)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Poll.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=SHORT_TEXT)
    details = forms.CharField(
        label=_("Details"), required=False, max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )  # fmt: skip
    closes_at = _closes_at(required=False)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        max_length=MAX_OPTIONS * (SHORT_TEXT + 2),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One a line: for choice, score, dot vote, ranked choice and election."),
    )
    rule = forms.ChoiceField(label=_("Rule"), choices=Poll.Rule.choices, initial=Poll.Rule.MAJORITY)
    threshold = forms.ChoiceField(
        label=_("Threshold"), choices=Poll.Threshold.choices, initial=Poll.Threshold.TWO_THIRDS,
        help_text=_("For a supermajority or consensus."),
    )  # fmt: skip
    min_choices = _small(_("Fewest choices"), initial=1)
    max_choices = _small(_("Most choices"), initial=1)
    score_max = _small(_("Highest score"), initial=5)
    dots = _small(_("Dots per voter"), initial=10)
    method = forms.ChoiceField(
        label=_("Counting method"),
        required=False,
        choices=[("", _("The kind's usual method")), *Poll.Method.choices],
        help_text=_(
            "Ranked choice: instant runoff (usual), Borda or Schulze. Election: Scottish STV "
            "(usual) or Meek STV."
        ),
    )
    seats = _small(_("Seats"), initial=1, help_text=_("Elections only."))
    quorum = _small(_("Quorum (% of the electorate)"), initial=0)
    anonymous = forms.BooleanField(
        label=_("Anonymous"), required=False,
        help_text=_(
            "Who voted is shown, never how; no reasons and no weights; results once the poll "
            "has closed."
        ),
    )  # fmt: skip
    results_visible = forms.ChoiceField(
        label=_("Results shown"), choices=Poll.Visibility.choices,
        initial=Poll.Visibility.AFTER_VOTE,
    )  # fmt: skip
    weighting = forms.ChoiceField(
        label=_("Weights"), choices=Poll.Weighting.choices, initial=Poll.Weighting.EQUAL
    )
    weights = forms.CharField(
        label=_("Weight of each voter"),
        required=False,
        max_length=MAX_WEIGHT_LINES * 40,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One a line: an organisation's slug or a person's user name, a space, and a whole "
            "number. Voters not listed weigh 1."
        ),
    )

    GROUPS = [
        (_("The question"), "", ["kind", "title", "details", "closes_at"]),
        (_("Options and candidates"), "", ["options"]),
        (_("Proposal: when it passes"), "", ["rule", "threshold"]),
        (_("Choice: how many to choose"), "", ["min_choices", "max_choices"]),
        (_("Score and dot vote"), "", ["score_max", "dots"]),
        (_("Ranked choice and election: how it is counted"), "", ["method", "seats"]),
        (_("Who votes and what they see"), "", ["quorum", "anonymous", "results_visible",
                                                "weighting", "weights"]),
    ]  # fmt: skip
    DEFAULTS = {"min_choices": 1, "max_choices": 1, "score_max": 5, "dots": 10, "seats": 1,
                "quorum": 0}  # fmt: skip

    def __init__(
        self, *args: Any, poll: Poll | None = None, may_weigh: bool = True, **kwargs: Any
    ) -> None:
        """`may_weigh`: whether the user may give the poll custom weights (the body's
        managers; `permissions.can_set_weights`); others are not offered the choice."""
        if poll is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_of(poll)
        super().__init__(*args, **kwargs)
        if poll is not None:  # a draft's kind stays as it is
            del self.fields["kind"]
        if not may_weigh:
            del self.fields["weighting"], self.fields["weights"]

    @staticmethod
    def initial_of(poll: Poll) -> dict[str, Any]:
        names = poll.options.values_list("name", flat=True)
        values = {name: getattr(poll, name) for name in (
            "title", "details", "closes_at", "rule", "threshold", "min_choices", "max_choices",
            "score_max", "dots", "method", "seats", "quorum", "anonymous", "results_visible",
            "weighting",
        )}  # fmt: skip
        return values | {
            "options": "\n".join(names),
            "weights": "\n".join(f"{key} {weight}" for key, weight in poll.weights.items()),
        }

    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, _note, names in self.GROUPS
        ]

    def clean_weights(self) -> dict[str, int]:
        weights: dict[str, int] = {}
        for number, line in enumerate(self.cleaned_data["weights"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split()
            weight = parts[-1] if len(parts) == 2 else ""
            if not (weight.isascii() and weight.isdigit() and int(weight) <= MAX_WEIGHT):
                message = _(
                    "Line %(n)s (“%(line)s”): write a slug or user name, a space and a whole "
                    "number."
                )
                raise forms.ValidationError(message % {"n": number, "line": line.strip()[:60]})
            weights[parts[0]] = int(weight)
        return weights

    def values(self) -> dict[str, Any]:
        """The settings as `poll_create` and `poll_update` take them (kind, options and
        closes_at apart)."""
        data = dict(self.cleaned_data)
        for name, default in self.DEFAULTS.items():
            if data.get(name) is None:
                data[name] = default
        data["options"] = [line.strip() for line in data["options"].splitlines() if line.strip()]
        return data


class OpenForm(_Form):
    closes_at = _closes_at()


class ReopenForm(_Form):
    closes_at = _closes_at(label=_("New closing time"))


class AmendForm(_Form):
    title = forms.CharField(label=_("Title"), max_length=SHORT_TEXT, required=False)
    details = forms.CharField(
        label=_("Amended proposal"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 5})
    )
    closes_at = _closes_at(label=_("New closing time"))


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was decided and what happens next; the electorate is told."),
    )  # fmt: skip


BLANK = ("", "—")


class BallotForm(forms.Form):
    """One voter's ballot, with a field (or a field per option) by the poll's kind; its
    `choice()` is the dict `ballot_cast` takes. Field ids carry the voter's id, so that
    several ballots (one's own and proxies held) sit on one page."""

    def __init__(
        self,
        *args: Any,
        poll: Poll,
        options: list[Option],
        voter: Voter,
        choice: dict[str, Any] | None = None,
        reason: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", f"id_vote{voter.pk}_%s")
        super().__init__(*args, **kwargs)
        self.poll, self.options, self.voter = poll, options, voter
        choice = choice or {}
        if poll.is_proposal or poll.is_consent:
            stances = PROPOSAL_STANCES if poll.is_proposal else CONSENT_STANCES
            self.fields["stance"] = forms.ChoiceField(
                label=_("Your stance"),
                choices=[(s, stance_label(s)) for s in stances],
                widget=forms.RadioSelect,
                initial=choice.get("stance"),
            )
            if not poll.anonymous:
                self.fields["reason"] = forms.CharField(
                    label=_("Reason"),
                    required=False,
                    max_length=LONG_TEXT,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    help_text=_("Needed when you disagree, block or object."),
                    initial=reason,
                )
        elif poll.is_choice:
            chosen = [str(o.pk) for o in options if o.name in choice.get("options", [])]
            names = [(str(o.pk), o.name) for o in options]
            if poll.max_choices == 1:
                self.fields["options"] = forms.ChoiceField(
                    label=_("Your choice"), choices=names, widget=forms.RadioSelect,
                    required=False, initial=chosen[0] if chosen else None,
                )  # fmt: skip
            else:
                self.fields["options"] = forms.MultipleChoiceField(
                    label=_("Your choices"), choices=names, widget=forms.CheckboxSelectMultiple,
                    required=False, initial=chosen,
                )  # fmt: skip
        elif poll.is_score:
            scores = choice.get("scores", {})
            steps = [BLANK] + [(str(n), str(n)) for n in range(poll.score_max + 1)]
            for option in options:
                self.fields[f"score_{option.pk}"] = forms.TypedChoiceField(
                    label=option.name, choices=steps, required=False, coerce=int,
                    empty_value=None, initial=scores.get(option.name),
                )  # fmt: skip
        elif poll.is_dot:
            dots = choice.get("dots", {})
            for option in options:
                self.fields[f"dots_{option.pk}"] = forms.IntegerField(
                    label=option.name, required=False, min_value=0, max_value=poll.dots,
                    initial=dots.get(option.name),
                )  # fmt: skip
        else:
            rank = {name: i for i, name in enumerate(choice.get("ranking", []), start=1)}
            steps = [BLANK] + [(str(n), str(n)) for n in range(1, len(options) + 1)]
            for option in options:
                self.fields[f"rank_{option.pk}"] = forms.TypedChoiceField(
                    label=option.name, choices=steps, required=False, coerce=int,
                    empty_value=None, initial=rank.get(option.name),
                )  # fmt: skip

    def per_option(self) -> list[forms.BoundField]:
        """The fields of a score, dot or ranked ballot, one per option."""
        return [
            self[name] for name in self.fields if name.split("_")[0] in ("score", "dots", "rank")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.poll.is_ranked:
            ranks = [v for k, v in data.items() if k.startswith("rank_") and v is not None]
            if len(set(ranks)) != len(ranks):
                raise forms.ValidationError(_("Give each rank to one option only."))
        return data

    def choice(self) -> dict[str, Any]:
        data = self.cleaned_data
        by_pk = {str(o.pk): o.name for o in self.options}
        if "stance" in self.fields:
            return {"stance": data["stance"]}
        if self.poll.is_choice:
            picked = data.get("options") or []
            picked = [picked] if isinstance(picked, str) else picked
            return {"options": [by_pk[pk] for pk in picked if pk in by_pk]}
        if self.poll.is_score or self.poll.is_dot:
            key, prefix = ("scores", "score") if self.poll.is_score else ("dots", "dots")
            return {key: {
                o.name: data[f"{prefix}_{o.pk}"]
                for o in self.options if data.get(f"{prefix}_{o.pk}") is not None
            }}  # fmt: skip
        ranked = sorted(
            (data[f"rank_{o.pk}"], o.position, o.name)
            for o in self.options
            if data.get(f"rank_{o.pk}") is not None
        )
        return {"ranking": [name for _rank, _position, name in ranked]}

    def reason(self) -> str:
        return str(self.cleaned_data.get("reason") or "")

    def add_service_error(self, field: str | None, message: str) -> None:
        """A refusal of `ballot_cast` beside its field: the stance or the reason, else
        above the options (scores, dots, ranking) or the whole ballot."""
        self.add_error(field if field in self.fields else None, message)
