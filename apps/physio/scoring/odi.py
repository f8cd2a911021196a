"""ODI: definition and scoring rule (see the scoring function's docstring for the source)."""

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


def score_odi(instrument, answers) -> ScoreResult:
    """Oswestry Disability Index 2.1a — Fairbank JCT, Pynsent PB. The Oswestry Disability Index.
    Spine 2000;25(22):2940-2952. Ten sections scored 0–5. "If one section is missed or not
    applicable the score is calculated: total scored / (5 × number of questions answered) × 100"
    — so one missing section is allowed; two or more: no score. Result in percent, 0–100."""
    answered = len(answers)
    if answered < 9:
        return not_scored(f"ODI needs at least 9 of 10 sections answered ({answered} answered; "
                          "Fairbank & Pynsent 2000 allow one missing section).", answered)
    score = q(D(sum(answers.values())) / D(5 * answered) * 100)
    return ScoreResult(score=score, band=instrument.band_for(score), answered=answered)


ODI = Instrument(
    code="odi", name="Oswestry Disability Index (ODI 2.1a)", items=placeholder_items(10, placeholder_options(0, 5)),
    score_min=D(0), score_max=D(100), higher_is_better=False, scorer=score_odi, unit="%",
    bands=(Band(D(0), D(20), "Minimal disability"), Band(D("20.01"), D(40), "Moderate disability"),
           Band(D("40.01"), D(60), "Severe disability"), Band(D("60.01"), D(80), "Crippled"),
           Band(D("80.01"), D(100), "Bed-bound or exaggerating")),
    mcid=D(10), mcid_source="Ostelo RW et al. Spine 2008;33(1):90-94 (10 points, or 30% from baseline)",
    rule_source="Fairbank JCT, Pynsent PB. Spine 2000;25(22):2940-2952",
    missing_rule="At most one of the ten sections may be unanswered: total / (5 × answered) × 100.",
    licence_note="Licensed (Mapi Research Trust; fees for IT companies): placeholder item labels.",
)
