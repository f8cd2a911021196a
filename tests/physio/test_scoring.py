"""Every instrument scored at its minimum, its maximum, a mixed case worked by hand, and the
missing-item edges (just enough answers vs one too few). Pure functions: no database."""

from decimal import Decimal

import pytest

from apps.physio.scoring import registry

D = Decimal


def answers(code, value, *, skip=()):
    return {key: value for key in registry.get(code).item_keys() if key not in skip}


# ------------------------------------------------------------------ ODI (Fairbank & Pynsent 2000)
def test_odi_minimum_maximum_and_band():
    assert registry.score("odi", answers("odi", 0)).score == D(0)
    best = registry.score("odi", answers("odi", 0))
    assert best.band == "Minimal disability"
    worst = registry.score("odi", answers("odi", 5))
    assert worst.score == D(100) and worst.band == "Bed-bound or exaggerating"


def test_odi_mixed_case_by_hand():
    # 3+2+1+0+4+2+1+1+3+2 = 19 of 50 → 38 %
    values = [3, 2, 1, 0, 4, 2, 1, 1, 3, 2]
    result = registry.score("odi", {f"q{n}": v for n, v in enumerate(values, start=1)})
    assert result.score == D(38) and result.band == "Moderate disability"


def test_odi_one_missing_section_is_scored_over_45_two_are_not():
    values = {f"q{n}": 2 for n in range(1, 10)}  # 9 answered, 18 of 45 → 40 %
    assert registry.score("odi", values).score == D(40)
    del values["q9"]
    result = registry.score("odi", values)
    assert result.score is None and "at least 9 of 10" in result.reason


# ------------------------------------------------------------------ NDI (Vernon)
def test_ndi_minimum_maximum_and_bands():
    assert registry.score("ndi", answers("ndi", 0)).score == D(0)
    assert registry.score("ndi", answers("ndi", 0)).band == "No disability"
    worst = registry.score("ndi", answers("ndi", 5))
    assert worst.score == D(50) and worst.band == "Complete disability"


def test_ndi_mixed_case_by_hand_and_prorating_one_missing():
    values = {f"q{n}": v for n, v in enumerate([1, 2, 1, 2, 1, 2, 1, 2, 1, 2], start=1)}
    assert registry.score("ndi", values).score == D(15)  # 15 of 50: moderate
    assert registry.score("ndi", values).band == "Moderate disability"
    del values["q10"]  # 13 over 9 items → 13 × 10 / 9 = 14.44
    prorated = registry.score("ndi", values)
    assert prorated.score == D("14.44") and prorated.band == "Mild disability"
    del values["q9"]
    assert registry.score("ndi", values).score is None


# ------------------------------------------------------------------ PSFS (Stratford 1995)
def test_psfs_minimum_maximum_mixed_and_missing():
    assert registry.score("psfs", {"a1": 0, "a2": 0, "a3": 0}).score == D(0)
    assert registry.score("psfs", answers("psfs", 10)).score == D(10)
    assert registry.score("psfs", {"a1": 3, "a2": 5, "a3": 8}).score == D("5.33")  # 16 / 3
    assert registry.score("psfs", {"a1": 4}).score == D(4)  # one activity: just enough
    none = registry.score("psfs", {})
    assert none.score is None and "at least one" in none.reason


# ------------------------------------------------------------------ NPRS
def test_nprs_minimum_maximum_and_missing():
    assert registry.score("nprs", {"pain": 0}).score == D(0)
    assert registry.score("nprs", {"pain": 10}).score == D(10)
    assert registry.score("nprs", {"pain": 6}).score == D(6)
    assert registry.score("nprs", {}).score is None


# ------------------------------------------------------------------ QuickDASH (IWH)
def test_quickdash_minimum_maximum_mixed():
    assert registry.score("quickdash", answers("quickdash", 1)).score == D(0)
    assert registry.score("quickdash", answers("quickdash", 5)).score == D(100)
    # 11 items summing to 30: (30 / 11 − 1) × 25 = 43.18
    values = {f"q{n}": v for n, v in enumerate([3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2], start=1)}
    assert registry.score("quickdash", values).score == D("43.18")


def test_quickdash_ten_of_eleven_scores_nine_does_not():
    values = answers("quickdash", 3, skip=("q11",))  # (30 / 10 − 1) × 25 = 50
    assert registry.score("quickdash", values).score == D(50)
    del values["q10"]
    result = registry.score("quickdash", values)
    assert result.score is None and "at least 10 of 11" in result.reason


# ------------------------------------------------------------------ KOOS (Roos)
def test_koos_five_subscales_minimum_and_maximum():
    best = registry.score("koos", answers("koos", 0))
    assert best.subscales == {"pain": D(100), "symptoms": D(100), "adl": D(100), "sport": D(100), "qol": D(100)}
    worst = registry.score("koos", answers("koos", 4))
    assert set(worst.subscales.values()) == {D(0)}
    assert best.score is None  # KOOS has no total


def test_koos_mixed_case_by_hand():
    values = answers("koos", 0)
    values.update({"p1": 2, "p2": 1, "p3": 3})  # pain: mean 6/9 → 100 − 0.667 × 25 = 83.33
    values.update({"q1": 4, "q2": 2})  # qol: mean 6/4 = 1.5 → 100 − 37.5 = 62.5
    result = registry.score("koos", values)
    assert result.subscales["pain"] == D("83.33") and result.subscales["qol"] == D("62.50")


@pytest.mark.parametrize(("subscale", "keys", "enough"), [
    ("pain", [f"p{n}" for n in range(1, 10)], 5),      # 5 of 9 (4 missing) scored; 4 of 9 not
    ("symptoms", [f"s{n}" for n in range(1, 8)], 4),   # 4 of 7
    ("adl", [f"a{n}" for n in range(1, 18)], 9),       # 9 of 17
    ("sport", [f"sp{n}" for n in range(1, 6)], 3),     # 3 of 5
    ("qol", [f"q{n}" for n in range(1, 5)], 2),        # 2 of 4: exactly half
])
def test_koos_half_the_subscale_answered_is_enough_one_fewer_is_not(subscale, keys, enough):
    values = {key: 2 for key in keys[:enough]}
    assert registry.score("koos", values).subscales[subscale] == D(50)
    values.pop(keys[enough - 1])
    result = registry.score("koos", values)
    assert result.subscales[subscale] is None and "at least half" in result.reason


# ------------------------------------------------------------------ LEFS (Binkley 1999)
def test_lefs_minimum_maximum_mixed_and_all_items_required():
    assert registry.score("lefs", answers("lefs", 0)).score == D(0)
    assert registry.score("lefs", answers("lefs", 4)).score == D(80)
    values = {f"q{n}": (n % 5) for n in range(1, 21)}  # 1+2+3+4+0 per five items × 4 = 40
    assert registry.score("lefs", values).score == D(40)
    del values["q20"]
    result = registry.score("lefs", values)
    assert result.score is None and "all 20" in result.reason


# ------------------------------------------------------------------ PHQ-9 (Kroenke 2001)
@pytest.mark.parametrize(("total", "band"), [(0, "Minimal"), (4, "Minimal"), (5, "Mild"), (9, "Mild"),
                                             (10, "Moderate"), (14, "Moderate"), (15, "Moderately severe"),
                                             (19, "Moderately severe"), (20, "Severe"), (27, "Severe")])
def test_phq9_band_edges(total, band):
    values, left = {}, total
    for n in range(1, 10):
        values[f"q{n}"] = min(3, left)
        left -= values[f"q{n}"]
    result = registry.score("phq9", values)
    assert result.score == D(total) and result.band == band


def test_phq9_mixed_case_item_9_flag_and_all_items_required():
    values = {f"q{n}": v for n, v in enumerate([2, 1, 3, 2, 0, 1, 1, 0, 0], start=1)}  # 10: moderate
    result = registry.score("phq9", values)
    assert (result.score, result.band, result.flags) == (D(10), "Moderate", [])
    values["q9"] = 1
    assert registry.score("phq9", values).flags == ["phq9_item9"]
    del values["q1"]  # eight answered: no score, but the item 9 flag still stands
    missing = registry.score("phq9", values)
    assert missing.score is None and missing.flags == ["phq9_item9"]


def test_phq9_ships_the_pfizer_item_text():
    items = registry.get("phq9").items
    assert items[0].label == "Little interest or pleasure in doing things"
    assert items[8].label == "Thoughts that you would be better off dead or of hurting yourself in some way"
    assert [o.label for o in items[0].options] == ["Not at all", "Several days", "More than half the days",
                                                   "Nearly every day"]


# ------------------------------------------------------------------ GAD-7 (Spitzer 2006)
@pytest.mark.parametrize(("total", "band"), [(0, "Minimal"), (4, "Minimal"), (5, "Mild"), (9, "Mild"),
                                             (10, "Moderate"), (14, "Moderate"), (15, "Severe"), (21, "Severe")])
def test_gad7_band_edges(total, band):
    values, left = {}, total
    for n in range(1, 8):
        values[f"q{n}"] = min(3, left)
        left -= values[f"q{n}"]
    result = registry.score("gad7", values)
    assert result.score == D(total) and result.band == band


def test_gad7_mixed_and_missing():
    values = {f"q{n}": v for n, v in enumerate([1, 2, 0, 3, 1, 0, 2], start=1)}  # 9: mild
    assert registry.score("gad7", values).score == D(9)
    del values["q7"]
    assert registry.score("gad7", values).score is None


# ------------------------------------------------------------------ bad input
def test_a_value_outside_the_options_or_an_unknown_item_is_refused():
    with pytest.raises(ValueError):
        registry.score("phq9", {"q1": 4})
    with pytest.raises(ValueError):
        registry.score("phq9", {"q10": 1})
    with pytest.raises(ValueError):
        registry.score("nprs", {"pain": "1.5"})


def test_licensed_instruments_ship_placeholder_labels_only():
    for code in ("odi", "ndi", "quickdash", "koos", "lefs"):
        assert all("replace with" in item.label for item in registry.get(code).items), code
