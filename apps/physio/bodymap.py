"""The body map: front and back views of body regions, each a shape in a 200 × 440 SVG. A region on
both sides of the body has a left and a right shape (the patient's left is on the viewer's right
in the front view, as a clinician faces the patient); a midline region has one, side "centre".

Regions are stored as rows (``BodyMapRegion``: region code, side, intensity 0–10, pain type); this
module only knows how to draw them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    code: str
    label: str
    view: str  # "front" | "back"
    paired: bool
    # (x, y, width, height) of the shape drawn on the viewer's LEFT half for a paired region, or the
    # centred shape of a midline region.
    box: tuple[int, int, int, int]


REGIONS = (
    Region("head", "Head / face", "front", False, (80, 8, 40, 44)),
    Region("neck_front", "Neck (front)", "front", False, (88, 54, 24, 16)),
    Region("shoulder", "Shoulder", "front", True, (46, 72, 30, 24)),
    Region("chest", "Chest", "front", False, (78, 74, 44, 46)),
    Region("abdomen", "Abdomen", "front", False, (78, 122, 44, 44)),
    Region("upper_arm", "Upper arm", "front", True, (36, 98, 20, 50)),
    Region("elbow", "Elbow", "front", True, (32, 150, 20, 18)),
    Region("forearm", "Forearm", "front", True, (26, 170, 20, 44)),
    Region("wrist_hand", "Wrist / hand", "front", True, (20, 216, 22, 30)),
    Region("hip_groin", "Hip / groin", "front", True, (72, 168, 26, 30)),
    Region("thigh", "Thigh (front)", "front", True, (70, 200, 26, 70)),
    Region("knee", "Knee", "front", True, (72, 272, 22, 26)),
    Region("shin", "Shin", "front", True, (72, 300, 20, 70)),
    Region("ankle_foot", "Ankle / foot", "front", True, (68, 372, 24, 34)),
    Region("head_back", "Back of head", "back", False, (80, 8, 40, 44)),
    Region("neck", "Neck (back)", "back", False, (88, 54, 24, 16)),
    Region("shoulder_blade", "Shoulder blade", "back", True, (54, 74, 34, 40)),
    Region("upper_back", "Upper back", "back", False, (90, 74, 20, 48)),
    Region("lower_back", "Lower back", "back", False, (78, 124, 44, 40)),
    Region("buttock", "Buttock", "back", True, (72, 166, 28, 34)),
    Region("hamstring", "Back of thigh", "back", True, (70, 202, 26, 70)),
    Region("knee_back", "Back of knee", "back", True, (72, 274, 22, 22)),
    Region("calf", "Calf", "back", True, (72, 298, 20, 70)),
    Region("heel", "Heel / Achilles", "back", True, (70, 370, 22, 34)),
)
BY_CODE = {region.code: region for region in REGIONS}
REGION_CODES = frozenset(BY_CODE)
WIDTH, HEIGHT = 200, 440


def sides_of(code) -> tuple[str, ...]:
    region = BY_CODE.get(code)
    if region is None:
        return ()
    return ("left", "right") if region.paired else ("centre",)


def label(code) -> str:
    region = BY_CODE.get(code)
    return region.label if region else code


def choices() -> list[tuple[str, str]]:
    """The select fallback (no JavaScript, screen readers): "knee:left" → "Knee — left"."""
    return [(f"{region.code}:{side}", f"{region.label} — {side}" if side != "centre" else region.label)
            for region in REGIONS for side in sides_of(region.code)]


def _shape(region, side) -> tuple[int, int, int, int]:
    x, y, w, h = region.box
    if not region.paired:
        return x, y, w, h
    # Front view: the patient's right is on the viewer's left. Back view: the patient's left is left.
    viewer_left = (side == "right") if region.view == "front" else (side == "left")
    return (x, y, w, h) if viewer_left else (WIDTH - x - w, y, w, h)


def shapes(view, marks=None) -> list[dict]:
    """Every region shape of a view, with the mark on it if any: {code, side, label, x, y, w, h,
    intensity, pain_type, level} — ``level`` 0 (unmarked) or 1–4 for the colour class."""
    marks = marks or {}
    drawn = []
    for region in REGIONS:
        if region.view != view:
            continue
        for side in sides_of(region.code):
            x, y, w, h = _shape(region, side)
            mark = marks.get((region.code, side))
            intensity = mark["intensity"] if mark else None
            drawn.append({"code": region.code, "side": side, "value": f"{region.code}:{side}",
                          "label": region.label if side == "centre" else f"{region.label} — {side}",
                          "x": x, "y": y, "w": w, "h": h, "rx": min(w, h) // 3,
                          "intensity": intensity, "pain_type": mark["pain_type"] if mark else "",
                          "level": 0 if intensity is None else min(4, 1 + intensity // 3)})
    return drawn


def views(marks=None) -> list[dict]:
    """Both views ready for templates/physio/_bodymap.html."""
    return [{"view": view, "title": view.capitalize(), "shapes": shapes(view, marks)} for view in ("front", "back")]


def marks_of(regions) -> dict:
    return {(r.region, r.side): {"intensity": r.intensity, "pain_type": r.pain_type} for r in regions}
