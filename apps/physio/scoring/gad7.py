"""GAD-7: definition and scoring rule (see the scoring function's docstring for the source)."""

from decimal import Decimal

from apps.physio.scoring.base import (
    Band,
    Instrument,
    ScoreResult,
    not_scored,
    q,
)
from apps.physio.scoring.fixtures import free_items as _free_items
from apps.physio.scoring.fixtures import load as _load

D = Decimal


GAD7_TEXT = _load("gad7.json")


def score_gad7(instrument, answers) -> ScoreResult:
    """GAD-7 — Spitzer RL, Kroenke K, Williams JBW, Löwe B. Arch Intern Med 2006;166:1092-1097. Seven
    items 0–3, total 0–21; severity 0–4 minimal, 5–9 mild, 10–14 moderate, 15–21 severe. No
    missing-item rule could be verified, so all seven items are required. No MCID is shipped
    (none verified)."""
    answered = len(answers)
    if answered < 7:
        return not_scored(f"GAD-7 is the sum of all 7 items ({answered} answered).", answered)
    score = q(sum(answers.values()))
    return ScoreResult(score=score, band=instrument.band_for(score), answered=answered)


GAD7 = Instrument(
    code="gad7", name="GAD-7 (Generalized Anxiety Disorder scale)", items=_free_items(GAD7_TEXT, "q"),
    score_min=D(0), score_max=D(21), higher_is_better=False, scorer=score_gad7,
    bands=(Band(D(0), D(4), "Minimal"), Band(D(5), D(9), "Mild"), Band(D(10), D(14), "Moderate"),
           Band(D(15), D(21), "Severe")),
    rule_source="Spitzer RL et al. Arch Intern Med 2006;166:1092-1097",
    missing_rule="All 7 items (no verified missing-item rule).",
    free_to_reproduce=True, licence_note=GAD7_TEXT["source"],
)

