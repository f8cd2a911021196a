from django.db import migrations

FORBID = """
CREATE FUNCTION audit_auditlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditlog is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditlog_append_only
    BEFORE UPDATE OR DELETE ON audit_auditlog
    FOR EACH ROW EXECUTE FUNCTION audit_auditlog_append_only();
"""

ALLOW = """
DROP TRIGGER IF EXISTS audit_auditlog_append_only ON audit_auditlog;
DROP FUNCTION IF EXISTS audit_auditlog_append_only();
"""


class Migration(migrations.Migration):
    """The database itself refuses to change or remove audit rows (retention purges, when they
    come, will run as a separate role that owns the table)."""

    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunSQL(FORBID, reverse_sql=ALLOW)]
