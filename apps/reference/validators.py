"""Rules for the shared reference library. The admin, the CSV/XLSX import, ``load_reference`` and
the publishing services all call these, so a rule is written once and reads the same everywhere."""

from django.core.exceptions import ValidationError

LEVEL_FIELDS = ("level_1", "level_2", "level_3", "level_4", "level_5")


def validate_milestone_levels(values: dict) -> None:
    """Milestone level descriptors come as a full set of five or not at all: a partial set would
    show learners a scale with holes in it."""
    filled = [field for field in LEVEL_FIELDS if (values.get(field) or "").strip()]
    if not filled or len(filled) == len(LEVEL_FIELDS):
        return
    missing = [field for field in LEVEL_FIELDS if field not in filled]
    names = ", ".join(field.replace("_", " ") for field in missing)
    raise ValidationError(
        {missing[0]: f"Level descriptors must be all five or none: {names} missing."}
    )


def validate_epa_number_free(*, epa_set, number, exclude_pk=None, existing_numbers=None) -> None:
    """``existing_numbers`` lets a caller check a batch without one query per row."""
    if epa_set is None or number is None or (existing_numbers is None and epa_set.pk is None):
        return  # a set being created: its formset checks duplicates among the new rows
    if existing_numbers is None:
        taken = epa_set.epas.filter(number=number).exclude(pk=exclude_pk).exists()
    else:
        taken = number in existing_numbers
    if taken:
        raise ValidationError(
            {"number": f"EPA {number} already exists in {epa_set.name} v{epa_set.version}"}
        )


def validate_level_numbers(numbers) -> None:
    """Entrustment levels are numbered 1, 2, … n without gaps or repeats."""
    ordered = sorted(numbers)
    expected = list(range(1, len(ordered) + 1))
    if ordered != expected:
        shown = ", ".join(str(n) for n in ordered) or "none"
        raise ValidationError(
            f"Entrustment level numbers must run 1 to {len(ordered)} without gaps or repeats (got {shown})."
        )


def validate_specialty_links(*, code, parent_code, prerequisite_codes, parents: dict, prerequisites: dict) -> None:
    """No specialty is its own prerequisite, and neither the parent chain nor the prerequisite
    graph loops back to ``code``. ``parents`` ({code: parent}) and ``prerequisites``
    ({code: set(codes)}) describe every *other* specialty as stored (or as being loaded)."""
    errors = {}
    if parent_code == code:
        errors["parent"] = "A specialty cannot be its own parent."
    elif _parent_chain_reaches(code, parent_code, parents):
        errors["parent"] = f"Parent {parent_code} would make a cycle: it descends from {code}."
    prerequisite_codes = set(prerequisite_codes)
    if code in prerequisite_codes:
        errors["prerequisites"] = "A specialty cannot be its own prerequisite."
    else:
        looping = sorted(p for p in prerequisite_codes if _prerequisites_reach(code, p, prerequisites))
        if looping:
            errors["prerequisites"] = (
                f"Prerequisite {', '.join(looping)} would make a cycle: it already requires {code}."
            )
    if errors:
        raise ValidationError(errors)


def _parent_chain_reaches(code, start, parents) -> bool:
    seen = set()
    current = start
    while current and current not in seen:
        if current == code:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def _prerequisites_reach(code, start, prerequisites) -> bool:
    stack, seen = [start], set()
    while stack:
        current = stack.pop()
        if current == code:
            return True
        if current in seen:
            continue
        seen.add(current)
        stack.extend(prerequisites.get(current, ()))
    return False
