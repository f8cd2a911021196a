"""The feedback-tag checkboxes written in Python (``{% tag_boxes %}``, issue 19) are byte for byte
what the template loop of ``assessments/form.html`` wrote: unchecked, checked with an error beside
them, and with a tag whose name holds markup (escaped)."""

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone

from apps.assessments import selectors
from apps.assessments.web.forms import AssessmentForm
from apps.assessments.web.views import _form_kwargs
from tests.factories import FeedbackTagFactory

pytestmark = pytest.mark.django_db

# assessments/form.html's loop as it was, for one tag list
TEMPLATE_LOOP = (
    "{% for box in field %}<label class=\"tag\" for=\"{{ box.id_for_label }}\"><input type=\"{{ box.data.type }}\" "
    "name=\"{{ box.data.name }}\" value=\"{{ box.data.value|stringformat:'s' }}\"{% for name, value in "
    "box.data.attrs.items %}{% if value is not False %} {{ name }}{% if value is not True %}=\"{{ value|"
    "stringformat:'s' }}\"{% endif %}{% endif %}{% endfor %}> {{ box.choice_label }}</label>{% endfor %}")
TAG = "{% load assessment_form %}{% tag_boxes field %}"


def _form(faith, data=None):
    return AssessmentForm(data, **_form_kwargs(company_id=faith.company_id, learners=selectors.learner_records(
        user=faith), epas=selectors.epas_for_assessor(assessor=faith)))


def _both(field):
    request, context, django = RequestFactory().get("/"), {"field": field}, engines["django"]
    return django.from_string(TEMPLATE_LOOP).render(context, request), django.from_string(TAG).render(context, request)


@pytest.mark.parametrize("name", ["tags_went_well", "tags_needs_work"])
def test_the_boxes_are_the_template_loops_bytes(surgery, name):
    FeedbackTagFactory(name='<b>"Bold" & co</b>', category="strength")
    FeedbackTagFactory(name="Plan <script>", category="area_for_improvement")
    old, new = _both(_form(surgery["faith"])[name])
    assert 'type="checkbox"' in new and "&lt;" in new and "<script>" not in new and "<b>" not in new
    assert new == old


def test_checked_boxes_and_an_error_are_the_template_loops_bytes(surgery):
    data = {"learner": "", "epa": surgery["epa"].pk, "entrustment_level": "2",
            "assessment_date": timezone.localdate().isoformat(),
            "tags_went_well": [surgery["good_tag"].pk, surgery["work_tag"].pk],  # a needs-work tag: refused
            "tags_needs_work": [surgery["work_tag"].pk]}
    form = _form(surgery["faith"], data)
    assert not form.is_valid() and form["tags_went_well"].errors
    for name in ("tags_went_well", "tags_needs_work"):
        old, new = _both(form[name])
        assert " checked" in new and new == old
