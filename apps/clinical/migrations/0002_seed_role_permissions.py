"""Existing companies get the baseline role → permission codes (new companies: signals.py)."""

import uuid

from django.db import migrations


def seed(apps, schema_editor):
    from apps.clinical.models.permissions import BASELINE_ROLE_CODES

    Company = apps.get_model("tenants", "Company")
    RolePermission = apps.get_model("clinical", "RolePermission")
    for company in Company.objects.all():
        existing = set(RolePermission.objects.filter(company=company).values_list("role", "code"))
        RolePermission.objects.bulk_create([
            RolePermission(id=uuid.uuid4(), company=company, role=str(role), code=str(code))
            for role, codes in BASELINE_ROLE_CODES.items() for code in sorted(codes)
            if (str(role), str(code)) not in existing])


class Migration(migrations.Migration):
    dependencies = [("clinical", "0001_initial"), ("tenants", "0004_clinical_roles")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
