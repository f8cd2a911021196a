"""The shared mechanisms: one helper puts service errors on forms; notification kinds are registered
by the contexts that send them; seed_demo finds every context's demo in layer order."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from apps.core.demo import demo_modules
from apps.core.forms import apply_service_errors
from apps.notifications.kinds import get_kind, register_kind, registered_kinds


class _Form(forms.Form):
    name = forms.CharField()


@pytest.mark.parametrize("error,field_errors,top_errors", [
    (ValidationError({"name": "Taken."}), {"name": ["Taken."]}, []),
    (ValidationError({"__all__": "Locked.", "name": "Taken."}), {"name": ["Taken."]}, ["Locked."]),
    (ValidationError({"non_field_errors": ["No."], "elsewhere": "Odd."}), {}, ["No.", "Odd."]),
    (ValidationError("Plain message."), {}, ["Plain message."]),
    (ValidationError(["One.", "Two."]), {}, ["One.", "Two."]),
])
def test_service_errors_land_beside_their_field_or_on_top_of_the_form(error, field_errors, top_errors):
    form = _Form({"name": "x"})
    assert form.is_valid()
    apply_service_errors(form, error)
    assert {name: form.errors[name] for name in form.errors if name != "__all__"} == field_errors
    assert sorted(form.non_field_errors()) == sorted(top_errors)


def test_contexts_register_their_notification_kinds_without_editing_notifications():
    keys = [kind.key for kind in registered_kinds()]
    assert keys.index("assessment_received") > keys.index("schedule_changed")  # academics is lower
    assert get_kind("assessment_received").template == "assessments/notifications/assessment_received.txt"
    register_kind("assessment_received", "Assessment received", ("in_app", "email"),
                  "assessments/notifications/assessment_received.txt")  # registering again is harmless
    with pytest.raises(ValueError):
        register_kind("assessment_received", "Something else")
    with pytest.raises(LookupError):
        get_kind("never_registered")


def test_seed_demo_runs_each_contexts_demo_in_layer_order():
    names = [module.__name__ for module in demo_modules()]
    assert names == ["apps.tenants.demo", "apps.reference.demo", "apps.academics.demo", "apps.assessments.demo",
                     "apps.clinical.demo", "apps.scheduling.demo", "apps.hospital.demo", "apps.hours.demo",
                     "apps.billing.demo", "apps.physio.demo", "apps.analytics.demo", "apps.ccc.demo"]
