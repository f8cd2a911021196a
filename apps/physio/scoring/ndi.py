"""NDI: definition and scoring rule (see the scoring function's docstring for the source)."""

from decimal import Decimal

from apps.physio.scoring.base import (
    Band,
    Instrument,
    ScoreResult,
    not_scored,
    placeholder_items,
    placeholder_options,
    q,
)

D = Decimal


def score_ndi(instrument, answers) -> ScoreResult:
    """Neck Disability Index — Vernon H, Mior S. J Manipulative Physiol Ther 1991;14:409-415; Vernon H.
    JMPT 2008;31:491-502. Ten items 0–5, raw score 0–50 (× 2 for a percentage). The author's scoring
    note: when a respondent leaves an item out, "the average of all other items is then added to the
    completed items" (prorating). The note gives no maximum number of missing items; like the ODI it
    was adapted from, we prorate one missing item and refuse two (our reading — see
    fixtures/README.md). Bands on the raw score: 0–4 none, 5–14 mild, 15–24 moderate, 25–34 severe,
    above 34 complete."""
    answered = len(answers)
    if answered < 9:
        return not_scored(f"NDI needs at least 9 of 10 items answered ({answered} answered).", answered)
    score = q(D(sum(answers.values())) * 10 / D(answered))
    return ScoreResult(score=score, band=instrument.band_for(score), answered=answered)


NDI = Instrument(
    code="ndi", name="Neck Disability Index (NDI)", items=placeholder_items(10, placeholder_options(0, 5)),
    score_min=D(0), score_max=D(50), higher_is_better=False, scorer=score_ndi,
    bands=(Band(D(0), D("4.99"), "No disability"), Band(D(5), D("14.99"), "Mild disability"),
           Band(D(15), D("24.99"), "Moderate disability"), Band(D(25), D("34.99"), "Severe disability"),
           Band(D(35), D(50), "Complete disability")),
    mcid=D(5), mcid_source="Vernon H, author's scoring note (chiro.org/forms/NDI_Explain.shtml): 5 points of 50",
    rule_source="Vernon H, Mior S. JMPT 1991;14:409-415; Vernon H. JMPT 2008;31:491-502",
    missing_rule="One unanswered item is prorated (mean of the others); two or more: no score (our reading).",
    licence_note="Copyright Vernon & Mior; use terms not verified: placeholder item labels.",
)
