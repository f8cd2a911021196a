from django.apps import AppConfig


class HospitalConfig(AppConfig):
    name = "apps.hospital"
    label = "hospital"
    verbose_name = "Hospital floor"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.clinical.models import Patient
        from apps.hospital import nav  # noqa: F401 — navigation, home panels, kinds, the chart section
        from apps.hospital.mar_cache import MAR
        from apps.hospital.models import Bed, BedAssignment, Dose, Prescription, Ward
        from apps.tenants.models import Site, User

        # What the MAR's cards show (apps.hospital.mar_cache): any save or delete resets the company's
        # cached MARs (a service, the admin, a factory, the daily scheduling job).
        MAR.connect((Dose, Prescription, BedAssignment, Bed, Ward, Patient, Site, User))
