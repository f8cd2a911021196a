"""LEFS: definition and scoring rule (see the scoring function's docstring for the source)."""

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


def score_lefs(instrument, answers) -> ScoreResult:
    """Lower Extremity Functional Scale — Binkley JM, Stratford PW, Lott SA, Riddle DL. Phys Ther
    1999;79:371-383. Twenty items 0 (extreme difficulty or unable) to 4 (no difficulty); the score is
    the sum, 0–80 (higher = better function). We could not verify a published missing-item rule
    (the paper defines the score as the sum of all 20 items), so all 20 are required."""
    answered = len(answers)
    if answered < 20:
        return not_scored(f"LEFS is the sum of all 20 items ({answered} answered); no published rule for "
                          "missing items could be verified.", answered)
    return ScoreResult(score=q(sum(answers.values())), answered=answered)


LEFS = Instrument(
    code="lefs", name="Lower Extremity Functional Scale (LEFS)", items=placeholder_items(20, placeholder_options(0, 4)),
    score_min=D(0), score_max=D(80), higher_is_better=True, scorer=score_lefs,
    mcid=D(9), mcid_source="Binkley JM et al. Phys Ther 1999;79:371-383 (MCID 9 points)",
    rule_source="Binkley JM et al. Phys Ther 1999;79:371-383",
    missing_rule="All 20 items (no verified missing-item rule).",
    licence_note="Terms of reuse not verified: placeholder item labels.",
)
