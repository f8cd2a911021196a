from django.apps import AppConfig


class HospitalConfig(AppConfig):
    name = "apps.hospital"
    label = "hospital"
    verbose_name = "Hospital floor"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from apps.clinical.models import Patient
        from apps.hospital import nav  # noqa: F401 — navigation, home panels, kinds, the chart section
        from apps.hospital.models import Bed, BedAssignment, Dose, Prescription, Ward
        from apps.tenants.models import Site, User

        # What the MAR's cards show (apps.hospital.mar_cache): any save or delete resets the company's
        # cached MARs (a service, the admin, a factory, the daily scheduling job).
        for model in (Dose, Prescription, BedAssignment, Bed, Ward, Patient, Site, User):
            name = model._meta.label_lower
            post_save.connect(_mar_changed, sender=model, dispatch_uid=f"hospital-mar-save-{name}")
            post_delete.connect(_mar_changed, sender=model, dispatch_uid=f"hospital-mar-delete-{name}")


def _mar_changed(sender, instance, **kwargs):
    from apps.hospital.mar_cache import mar_changed

    mar_changed(company_id=getattr(instance, "company_id", None))
