"""QuickDASH: definition and scoring rule (see the scoring function's docstring for the source)."""

from decimal import Decimal

from apps.physio.scoring.base import (
    Instrument,
    ScoreResult,
    not_scored,
    placeholder_items,
    placeholder_options,
    q,
)

D = Decimal


def score_quickdash(instrument, answers) -> ScoreResult:
    """QuickDASH — Institute for Work & Health (IWH), "The QuickDASH Outcome Measure" scoring
    instructions; Beaton DE et al. JBJS Am 2005;87:1038-1046. Eleven items 1–5. At least 10 of the
    11 items must be completed; score = ((sum of n responses / n) − 1) × 25, 0 (no disability) to
    100. The optional work and sports/performing-arts modules are not included."""
    answered = len(answers)
    if answered < 10:
        return not_scored(f"QuickDASH needs at least 10 of 11 items answered ({answered} answered).", answered)
    score = q((D(sum(answers.values())) / D(answered) - 1) * 25)
    return ScoreResult(score=score, answered=answered)


QUICKDASH = Instrument(
    code="quickdash", name="QuickDASH", items=placeholder_items(11, placeholder_options(1, 5)),
    score_min=D(0), score_max=D(100), higher_is_better=False, scorer=score_quickdash,
    rule_source="Institute for Work & Health, QuickDASH scoring; Beaton DE et al. JBJS Am 2005;87:1038-1046",
    missing_rule="At least 10 of the 11 items; ((sum / n) − 1) × 25.",
    licence_note="Commercial use needs a licence from the Institute for Work & Health: placeholder item labels.",
)
