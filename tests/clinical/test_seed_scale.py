import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.clinical.models import Patient, Visit, VitalSigns

pytestmark = pytest.mark.django_db


def test_seed_scale_clinical_copies_patients_and_vitals_that_search_and_the_chart_read(client, northwind, clinic,
                                                                                         practitioner):
    call_command("seed_scale_clinical", company="northwind", patients=40, vitals=3, stdout=open("/dev/null", "w"))
    call_command("seed_scale_clinical", company="northwind", patients=10, visits=2, vitals=1,
                 stdout=open("/dev/null", "w"))
    patients = Patient.objects.for_company(northwind).filter(mrn__startswith="SCL-")
    assert patients.count() == 50 and patients.filter(mrn="SCL-00000050").exists()
    assert VitalSigns.objects.for_company(northwind).filter(news2_score__isnull=False).count() == 130
    assert Visit.objects.for_company(northwind).filter(patient__mrn__startswith="SCL-").count() == 40 + 20
    someone = patients.order_by("mrn").first()
    client.force_login(practitioner)
    for query in (someone.mrn, someone.phone):
        assert someone.mrn in client.get(reverse("clinical:home"), {"q": query}).content.decode(), query
    assert client.get(reverse("clinical:chart", args=[someone.pk])).status_code == 200
