"""The entrustment-level radios written in Python (``{% level_radios %}``, issue 19) are byte for
byte what the template loop wrote, ``{{ radio.tag }}`` included: unchecked, checked with an error
beside them, without levels, and with a scale whose wording holds markup (escaped)."""

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone

from apps.assessments import selectors
from apps.assessments.web.forms import AssessmentForm
from apps.assessments.web.views import _form_kwargs
from apps.reference.models import EntrustmentLevel
from tests.factories import EPAFactory, EPASetFactory, ScaleFactory

pytestmark = pytest.mark.django_db

# assessments/levels_field.html as it was, with the loop over the radios
TEMPLATE_LOOP = (
    "{# The entrustment-level radios; on the new-assessment form htmx swaps them for the chosen EPA's scale. #}\n"
    '<fieldset id="entrustment-levels" class="step choice-group{% if form.entrustment_level.errors %} field-error'
    '{% endif %}"{% if mode == "new" %} hx-get="{% url \'assessments:entrustment_levels\' %}" hx-trigger="change '
    'from:#id_epa" hx-include="#id_epa" hx-swap="outerHTML"{% endif %}><legend>Entrustment level <span '
    'class="required" aria-hidden="true">*</span></legend>\n'
    "    {% for radio in form.entrustment_level %}\n"
    '    <label class="choice" for="{{ radio.id_for_label }}">{{ radio.tag }} <span>{{ radio.choice_label }}</span>'
    "</label>\n"
    '    {% empty %}<p class="help">Choose the EPA to see its entrustment levels.</p>\n'
    "    {% endfor %}\n"
    '    {% for error in form.entrustment_level.errors %}<p class="error" id="id_entrustment_level_error">{{ error }}'
    "</p>{% endfor %}\n"
    "  </fieldset>\n")


def _form(faith, epas, data=None, epa_id=None):
    return AssessmentForm(data, **_form_kwargs(company_id=faith.company_id, learners=selectors.learner_records(
        user=faith), epas=epas, epa_id=epa_id))


def _both(form, mode="new"):
    """(the old loop's output, the template's output now) for the same form."""
    request, context = RequestFactory().get("/"), {"form": form, "mode": mode}
    django = engines["django"]
    return (django.from_string(TEMPLATE_LOOP).render(context, request),
            django.get_template("assessments/levels_field.html").render(context, request))


@pytest.mark.parametrize("mode", ["new", "edit"])
def test_the_radios_are_the_template_loops_bytes(surgery, mode):
    epas = selectors.epas_for_assessor(assessor=surgery["faith"])
    old, new = _both(_form(surgery["faith"], epas), mode)
    assert 'type="radio"' in new
    assert new == old


def test_a_checked_level_and_its_error_are_the_template_loops_bytes(surgery):
    epas = selectors.epas_for_assessor(assessor=surgery["faith"])
    data = {"learner": "", "epa": surgery["epa"].pk, "entrustment_level": "9",
            "assessment_date": timezone.localdate().isoformat()}
    form = _form(surgery["faith"], epas, data=data, epa_id=surgery["epa"].pk)
    assert not form.is_valid() and form["entrustment_level"].errors
    old, new = _both(form)
    assert "field-error" in new and new == old
    data["entrustment_level"] = "2"
    form = _form(surgery["faith"], epas, data=data, epa_id=surgery["epa"].pk)
    form.is_valid()
    old, new = _both(form)
    assert " checked" in new and new == old


def test_no_levels_is_the_template_loops_help_line(surgery):
    from apps.reference.models import EPA

    old, new = _both(_form(surgery["faith"], EPA.objects.none()))
    assert "Choose the EPA to see its entrustment levels." in new and new == old


def test_a_scale_whose_wording_holds_markup_is_escaped(surgery):
    scale = ScaleFactory(code="hostile_scale", name="Hostile")
    EntrustmentLevel.objects.create(scale=scale, number=1, label='<b>"Bold"</b>', descriptor="<script>alert(1)</script>")
    epa = EPAFactory(epa_set=EPASetFactory(scale=scale, name="Hostile EPAs"), short_name="Hostile")
    from apps.reference.models import EPA

    old, new = _both(_form(surgery["faith"], EPA.objects.filter(pk=epa.pk), epa_id=epa.pk))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in new and "<script>" not in new and "&lt;b&gt;" in new
    assert new == old
