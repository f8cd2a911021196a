from django.db import transaction

from apps.audit.services import audit_log_record
from apps.clinical.access import role_codes_changed
from apps.clinical.models import BASELINE_ROLE_CODES, PermissionCode, RolePermission

VALID_CODES = frozenset(PermissionCode.values)


def role_permissions_seed(*, company) -> int:
    """Give the company the baseline role → codes (missing rows only; safe to run again)."""
    existing = set(RolePermission.objects.for_company(company).values_list("role", "code"))
    rows = [RolePermission(company=company, role=role, code=code)
            for role, codes in BASELINE_ROLE_CODES.items() for code in sorted(codes)
            if (role, code) not in existing]
    RolePermission.objects.bulk_create(rows)
    role_codes_changed(company_id=getattr(company, "pk", company))  # bulk: no signals
    return len(rows)


def role_permissions_set(*, actor, company, role: str, codes) -> tuple[set, set]:
    """Make ``role`` carry exactly ``codes`` in ``company``; returns (added, removed); audited."""
    codes = set(codes)
    unknown = codes - VALID_CODES
    if unknown:
        raise ValueError(f"unknown permission codes: {sorted(unknown)}")
    with transaction.atomic():
        current = {rp.code: rp for rp in RolePermission.objects.for_company(company).select_for_update()
                   .filter(role=role)}
        added, removed = codes - current.keys(), current.keys() - codes
        for code in sorted(added):
            row = RolePermission(company=company, role=role, code=code)
            row._history_user = actor
            row.save()
        for code in sorted(removed):
            current[code]._history_user = actor
            current[code].delete()
        if added or removed:
            audit_log_record(company=company, actor=actor, action="role_permissions.change",
                             entity_type="clinical.RolePermission", entity_id=role,
                             changes={"added": sorted(added), "removed": sorted(removed)})
    return added, set(removed)
