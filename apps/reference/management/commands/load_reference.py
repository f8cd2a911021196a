"""Load fixtures/reference/*.csv into the shared reference library.

Idempotent: rows are matched on their natural keys and saved only when a value differs, so a
second run writes nothing (no new history rows). Every row is validated with the same rules as
the admin import; if any row is bad, every bad row is printed and nothing is written."""

import csv
import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.reference import selectors, validators
from apps.reference.models import (
    EPA,
    CaseType,
    Competency,
    EntrustmentLevel,
    EntrustmentScale,
    EPASet,
    FeedbackTag,
    Milestone,
    MilestoneSet,
    Specialty,
)

CHANGE_REASON = "load_reference"
EPA_SET_NAMES = {"general_surgery": "General Surgery EPAs (ABS)"}
MILESTONE_SET_NAMES = {"general_surgery": "ACGME Surgery Milestones",
                       "internal_medicine": "ACGME Internal Medicine Milestones"}
# One row per descriptor sentence (fixtures/README.md names its source, terms and caveats).
IM_MILESTONES_FILE = "im_milestones_2_0.csv"
IM_MILESTONES_SOURCE = (
    "ACGME Internal Medicine Milestones (2nd revision), transcribed word for word from the tables "
    "reproduced in the public GitHub repository fbuckhold3/imslu.ccc.dashboard (www/milestones/). "
    "The copyright owners grant third parties the right to use the Internal Medicine Milestones on a "
    "non-exclusive basis for educational purposes. Verify against the official ACGME PDF before relying "
    "on the text for reporting.")


class RowError(Exception):
    pass


class Command(BaseCommand):
    help = "Load (or refresh) the shared reference library from fixtures/reference/*.csv."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(Path(settings.BASE_DIR) / "fixtures" / "reference"),
                            help="Folder holding the reference CSV files")

    def handle(self, *args, **options):
        loader = ReferenceLoader(Path(options["dir"]))
        with transaction.atomic():
            loader.load_all()
            if loader.errors:
                transaction.set_rollback(True)
        if loader.errors:
            for error in loader.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(loader.errors)} bad row(s); nothing was written.")
        self.stdout.write(self.style.SUCCESS(
            f"Reference library loaded: {loader.created} created, {loader.updated} updated, "
            f"{loader.unchanged} unchanged."
        ))


class ReferenceLoader:
    def __init__(self, folder: Path):
        self.folder = folder
        self.errors: list[str] = []
        self.created = self.updated = self.unchanged = 0
        self.epa_numbers_seen: dict[int, set] = {}

    def load_all(self):
        self.load_specialties()
        self.load_competencies()
        self.load_scales()
        self.load_epas()
        self.load_milestones()
        self.load_im_milestones()
        self.load_case_types()
        self.load_feedback_tags()

    # ------------------------------------------------------------------ plumbing
    def rows(self, name):
        path = self.folder / name
        with path.open(newline="", encoding="utf-8") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                yield f"{name} line {line}", {key: (value or "").strip() for key, value in row.items()}

    def row(self, where, work):
        """Run one row's work in a savepoint; a bad row is recorded, the rest carry on so every
        bad row is reported in one run."""
        try:
            with transaction.atomic():
                return work()
        except (ValidationError, RowError, ValueError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            self.errors.append(f"{where}: {'; '.join(messages)}")
            return None

    def upsert(self, model, lookup: dict, values: dict):
        """Create or update one row; save (and so write history) only when something differs."""
        instance = self._find(model, lookup)
        adding = instance is None
        if adding:
            instance = model(**lookup)
            changed = list(values)
        else:
            changed = [name for name, value in values.items() if getattr(instance, name) != value]
        for name in changed:
            setattr(instance, name, values[name])
        if not adding and not changed:
            self.unchanged += 1
            return instance
        instance.full_clean()
        instance._history_user = None
        instance._change_reason = CHANGE_REASON
        instance.save()
        if adding:
            self.created += 1
        else:
            self.updated += 1
        return instance

    @staticmethod
    def _find(model, lookup):
        manager = model._default_manager
        queryset = manager.shared() if hasattr(manager, "shared") else manager.all()
        return queryset.filter(**lookup).first()

    @staticmethod
    def get(model, where_label, **lookup):
        queryset = model._default_manager.all()
        found = queryset.filter(**lookup).first()
        if found is None:
            raise RowError(f"unknown {where_label} {', '.join(str(v) for v in lookup.values())}")
        return found

    # ------------------------------------------------------------------ files
    def load_specialties(self):
        rows = list(self.rows("specialties.csv"))
        for where, row in rows:
            self.row(where, lambda row=row: self.upsert(Specialty, {"code": row["code"]}, {
                "name": row["name"],
                "category": row["category"],
                "acgme_specialty_code": row["acgme_specialty_code"],  # a string: "040" keeps its zero
                "typical_duration_years": _int_or_none(row["typical_duration_years"]),
                "is_subspecialty": _bool(row["is_subspecialty"]),
                "pathway_type": row["pathway_type"],
                "certifying_board": row["certifying_board"],
            }))
        self.link_specialties(rows)

    def link_specialties(self, rows):
        parents, prerequisites = selectors.specialty_graph()
        for _, row in rows:  # the graph as it will be once this file is loaded
            parents[row["code"]] = row["parent_code"] or None
            prerequisites[row["code"]] = set(_list(row["prerequisite_codes"]))
        for where, row in rows:
            self.row(where, lambda row=row: self.link_specialty(row, parents, prerequisites))

    def link_specialty(self, row, parents, prerequisites):
        code = row["code"]
        others = {key: value for key, value in prerequisites.items() if key != code}
        wanted = set(_list(row["prerequisite_codes"]))
        validators.validate_specialty_links(
            code=code, parent_code=row["parent_code"] or None, prerequisite_codes=wanted,
            parents={k: v for k, v in parents.items() if k != code}, prerequisites=others,
        )
        specialty = self.get(Specialty, "specialty", code=code)
        parent = self.get(Specialty, "parent specialty", code=row["parent_code"]) if row["parent_code"] else None
        self.upsert(Specialty, {"code": code}, {"parent": parent})
        if set(specialty.prerequisites.values_list("code", flat=True)) != wanted:
            for prerequisite in wanted:
                self.get(Specialty, "prerequisite specialty", code=prerequisite)
            specialty.prerequisites.set(wanted)
            self.updated += 1

    def load_competencies(self):
        for where, row in self.rows("competencies.csv"):
            self.row(where, lambda row=row: self.upsert(Competency, {"code": row["code"]}, {
                "name": row["name"], "abbreviation": row["abbreviation"], "description": row["description"],
                "display_order": _int_or_none(row["display_order"]) or 0,
            }))

    def load_scales(self):
        numbers: dict[str, list[int]] = {}
        for where, row in self.rows("entrustment_scales.csv"):
            numbers.setdefault(row["scale_code"], []).append(_int_or_none(row["level"]))
            self.row(where, lambda row=row: self.load_level(row))
        for code, found in numbers.items():
            self.row(f"entrustment_scales.csv scale {code}", lambda found=found: validators.validate_level_numbers(
                [n for n in found if n is not None]))

    def load_level(self, row):
        scale = self.upsert(EntrustmentScale, {"code": row["scale_code"]}, {"name": row["scale_name"]})
        self.upsert(EntrustmentLevel, {"scale": scale, "number": _int_or_none(row["level"])},
                    {"label": row["label"], "descriptor": row["descriptor"]})

    def load_epas(self):
        for where, row in self.rows("epas.csv"):
            self.row(where, lambda row=row: self.load_epa(row))

    def load_epa(self, row):
        specialty = self.get(Specialty, "specialty", code=row["specialty_code"])
        epa_set = self.upsert(EPASet, {"specialty": specialty, "version": row["version"]}, {
            "name": EPA_SET_NAMES.get(specialty.code, f"{specialty.name} EPAs"),
            "effective_date": _date(row["effective_date"]),
            "scale": self.get(EntrustmentScale, "scale", code=row["scale_code"]),
        })
        number = _int_or_none(row["number"])
        seen = self.epa_numbers_seen.setdefault(epa_set.pk, set())
        # Rows are matched on (set, number), so a repeated number in the file would silently
        # overwrite the earlier row: report it instead.
        validators.validate_epa_number_free(epa_set=epa_set, number=number, existing_numbers=seen)
        seen.add(number)
        self.upsert(EPA, {"epa_set": epa_set, "number": number}, {
            "name": row["name"], "short_name": row["short_name"], "description": row["description"],
            "category": row["category"], "display_order": _int_or_none(row["display_order"]) or 0,
        })

    def load_milestones(self):
        for order, (where, row) in enumerate(self.rows("milestones.csv"), start=1):
            self.row(where, lambda row=row, order=order: self.load_milestone(row, order))

    def load_milestone(self, row, order):
        specialty = self.get(Specialty, "specialty", code=row["specialty_code"])
        milestone_set = self.upsert(MilestoneSet, {"specialty": specialty, "version": row["version"]}, {
            "name": MILESTONE_SET_NAMES.get(specialty.code, f"{specialty.name} Milestones"),
            "effective_date": _date(row["effective_date"]),
        })
        competency = self.get(Competency, "competency abbreviation", abbreviation=row["competency_abbreviation"])
        levels = {field: row[field] for field in Milestone.LEVEL_FIELDS}
        self.upsert(Milestone, {"milestone_set": milestone_set, "subcompetency_code": row["subcompetency_code"]},
                    {"competency": competency, "title": row["title"], "display_order": order, **levels})

    def load_im_milestones(self):
        """The Internal Medicine Milestones 2.0: sentences of one level cell are joined, in their
        printed order, one per line; subcompetencies keep the file's order (PC1 … ICS3)."""
        cells: dict[str, dict] = {}
        for where, row in self.rows(IM_MILESTONES_FILE):
            entry = cells.setdefault(row["code"], {"where": where, "competency": row["competency"],
                                                   "title": row["subcompetency_title"], "levels": {}})
            try:
                key = (int(row["level"]), int(row["descriptor_order"]))
            except ValueError:
                self.errors.append(f"{where}: level and descriptor_order must be whole numbers")
                continue
            if not 1 <= key[0] <= 5:
                self.errors.append(f"{where}: level {key[0]} is not 1–5")
                continue
            entry["levels"][key] = row["descriptor"]
        for order, (code, entry) in enumerate(cells.items(), start=1):
            self.row(entry["where"], lambda code=code, entry=entry, order=order: self.load_im_milestone(
                code, entry, order))

    def load_im_milestone(self, code, entry, order):
        specialty = self.get(Specialty, "specialty", code="internal_medicine")
        milestone_set = self.upsert(MilestoneSet, {"specialty": specialty, "version": "2.0"}, {
            "name": MILESTONE_SET_NAMES["internal_medicine"], "effective_date": None,
            "source": IM_MILESTONES_SOURCE,
        })
        competency = self.get(Competency, "competency abbreviation", abbreviation=entry["competency"])
        levels = {field: "\n".join(text for (level, _), text in sorted(entry["levels"].items())
                                   if level == number)
                  for number, field in enumerate(Milestone.LEVEL_FIELDS, start=1)}
        self.upsert(Milestone, {"milestone_set": milestone_set, "subcompetency_code": code},
                    {"competency": competency, "title": entry["title"], "display_order": order, **levels})

    def load_case_types(self):
        for where, row in self.rows("case_types.csv"):
            self.row(where, lambda row=row: self.load_case_type(row))

    def load_case_type(self, row):
        epa = self.get(EPA, "EPA", epa_set__specialty_id=row["specialty_code"], epa_set__version=row["epa_version"],
                       number=_int_or_none(row["epa_number"]))
        self.upsert(CaseType, {"epa": epa, "code": row["code"], "company": None},
                    {"name": row["name"], "typical_minutes": _int_or_none(row["typical_minutes"])})

    def load_feedback_tags(self):
        for where, row in self.rows("feedback_tags.csv"):
            self.row(where, lambda row=row: self.load_feedback_tag(row))

    def load_feedback_tag(self, row):
        specialty = self.get(Specialty, "specialty", code=row["specialty_code"]) if row["specialty_code"] else None
        self.upsert(FeedbackTag, {"category": row["category"], "name": row["name"], "company": None},
                    {"description": row["description"], "specialty": specialty})


def _int_or_none(value):
    if value in ("", None):
        return None
    try:
        return int(value)
    except ValueError:
        raise RowError(f"{value!r} is not a whole number")


def _bool(value):
    if value.lower() not in {"true", "false"}:
        raise RowError(f"{value!r} is not true/false")
    return value.lower() == "true"


def _date(value):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise RowError(f"{value!r} is not a date (YYYY-MM-DD)")


def _list(value):
    return [item.strip() for item in value.split(";") if item.strip()]
