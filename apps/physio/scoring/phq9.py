"""PHQ-9: definition and scoring rule (see the scoring function's docstring for the source)."""

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


PHQ9_TEXT = _load("phq9.json")


def score_phq9(instrument, answers) -> ScoreResult:
    """PHQ-9 — Kroenke K, Spitzer RL, Williams JBW. J Gen Intern Med 2001;16:606-613. Nine items 0–3,
    total 0–27; severity 0–4 minimal, 5–9 mild, 10–14 moderate, 15–19 moderately severe, 20–27 severe.
    No missing-item rule could be verified against the publisher's material, so all nine items are
    required. Item 9 (thoughts of being better off dead or of self-harm) above 0 raises the
    ``phq9_item9`` flag whatever else was answered."""
    flags = ["phq9_item9"] if answers.get("q9", 0) > 0 else []
    answered = len(answers)
    if answered < 9:
        result = not_scored(f"PHQ-9 is the sum of all 9 items ({answered} answered).", answered)
        result.flags = flags
        return result
    score = q(sum(answers.values()))
    return ScoreResult(score=score, band=instrument.band_for(score), answered=answered, flags=flags)


PHQ9 = Instrument(
    code="phq9", name="PHQ-9 (Patient Health Questionnaire)", items=_free_items(PHQ9_TEXT, "q"),
    score_min=D(0), score_max=D(27), higher_is_better=False, scorer=score_phq9,
    bands=(Band(D(0), D(4), "Minimal"), Band(D(5), D(9), "Mild"), Band(D(10), D(14), "Moderate"),
           Band(D(15), D(19), "Moderately severe"), Band(D(20), D(27), "Severe")),
    mcid=D(5), mcid_source="Löwe B et al. Med Care 2004;42(12):1194-1201 (5 points)",
    rule_source="Kroenke K et al. J Gen Intern Med 2001;16:606-613",
    missing_rule="All 9 items (no verified missing-item rule). Item 9 > 0 flags regardless.",
    free_to_reproduce=True, licence_note=PHQ9_TEXT["source"],
)
