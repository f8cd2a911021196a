"""Item texts shipped in fixtures/proms/ (instruments free to reproduce: PHQ-9, GAD-7)."""

import json
from pathlib import Path

from apps.physio.scoring.base import Item, Option

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "proms"


def load(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def free_items(data, prefix):
    options = tuple(Option(o["value"], o["label"]) for o in data["options"])
    return tuple(Item(f"{prefix}{n}", text, options) for n, text in enumerate(data["items"], start=1))
