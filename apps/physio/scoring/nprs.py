"""NPRS: definition and scoring rule (see the scoring function's docstring for the source)."""

from decimal import Decimal

from apps.physio.scoring.base import (
    Instrument,
    Item,
    ScoreResult,
    not_scored,
    q,
    scale,
)

D = Decimal


def score_nprs(instrument, answers) -> ScoreResult:
    """Numeric Pain Rating Scale, 0 (no pain) to 10 (worst imaginable pain): the score is the number
    given (a single item: unanswered, no score). MCID 2 points: Childs JD, Piva SR, Fritz JM. Spine
    2005;30(11):1331-1334; Farrar JT et al. Pain 2001;94:149-158 (about 2 points or 30%)."""
    if "pain" not in answers:
        return not_scored("NPRS has one item and it was not answered.", 0)
    return ScoreResult(score=q(answers["pain"]), answered=1)


NPRS = Instrument(
    code="nprs", name="Numeric Pain Rating Scale (NPRS)",
    items=(Item("pain", "Pain right now, from 0 (no pain) to 10 (worst pain imaginable)",
                scale(0, 10, {0: "0 — no pain", 10: "10 — worst pain imaginable"})),),
    score_min=D(0), score_max=D(10), higher_is_better=False, scorer=score_nprs,
    mcid=D(2), mcid_source="Childs JD et al. Spine 2005;30(11):1331-1334; Farrar JT et al. Pain 2001;94:149-158",
    rule_source="Single 0–10 item; score = the rating",
    missing_rule="The one item is required.", free_to_reproduce=True,
    licence_note="A generic 0–10 rating; the wording here is Rounds' own.",
)
