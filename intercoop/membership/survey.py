"""The short feedback survey new members answer after admission and after six months
(pure: no database): a 1–5 rating of each kind of step and a comment. Coordinators see
a summary per pathway (the mean and the number of answers of each question), so that the
pathway improves over time."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.core.bounds import LONG_TEXT, OutOfBounds, check_text
from intercoop.core.errors import InvalidValues

COMMENT = "comment"
LOW, HIGH = 1, 5
# question key → what it asks; the ratings are keyed by step kind
QUESTIONS = {
    "orientation": gettext_lazy("How useful were the orientation sessions?"),
    "course": gettext_lazy("How useful were the courses?"),
    "mentorship": gettext_lazy("How helpful was your mentor?"),
    "probation": gettext_lazy("How fair was the candidacy and probation?"),
    "equity": gettext_lazy("How manageable was the equity buy-in?"),
    "vetting": gettext_lazy("How respectful was the vetting?"),
    "agreement": gettext_lazy("How clear were the agreements you signed?"),
    "admission": gettext_lazy("How well was your admission handled?"),
    COMMENT: gettext_lazy("What would you change in the pathway?"),
}
RATINGS = [key for key in QUESTIONS if key != COMMENT]


def clean_answers(answers: Any) -> dict[str, Any]:
    """The answers, checked: ratings are whole numbers from 1 to 5 (a question may be left
    out), the comment is text; at least one answer."""
    if not isinstance(answers, Mapping):
        raise InvalidValues({"answers": _("are a set of answers")})
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for key, value in answers.items():
        if key not in QUESTIONS:
            errors[str(key)[:60]] = _("is not a question of the survey")
        elif key == COMMENT:
            try:
                text = check_text(value, field=key, max_length=LONG_TEXT).strip()
            except OutOfBounds as error:
                errors[key] = error.message
            else:
                if text:
                    clean[key] = text
        elif value in (None, ""):
            continue
        elif isinstance(value, bool) or not isinstance(value, int) or not LOW <= value <= HIGH:
            errors[key] = _("is a rating from 1 to 5")
        else:
            clean[key] = value
    if errors:
        raise InvalidValues(errors)
    if not clean:
        raise InvalidValues({"answers": _("Answer at least one question")})
    return clean


@dataclass(frozen=True)
class QuestionSummary:
    key: str
    question: str
    count: int
    mean: Decimal | None  # to 2 decimals; None with no answer


def summarise(responses: Iterable[Mapping[str, Any]]) -> tuple[list[QuestionSummary], list[str]]:
    """Each rating question's mean (2 decimals, half to even) and count, and the comments."""
    totals = {key: [0, 0] for key in RATINGS}
    comments: list[str] = []
    for answers in responses:
        for key in RATINGS:
            value = answers.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                totals[key][0] += value
                totals[key][1] += 1
        if answers.get(COMMENT):
            comments.append(str(answers[COMMENT]))
    summary = [
        QuestionSummary(
            key=key,
            question=str(QUESTIONS[key]),
            count=count,
            mean=(Decimal(total) / count).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
            if count
            else None,
        )
        for key, (total, count) in totals.items()
    ]
    return summary, comments
