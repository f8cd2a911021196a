"""Issue 19: ``includes/field.html`` (and ``{% form_field %}``) write in Python what the template wrote."""

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string

# templates/includes/field.html as it was, a template
ORIGINAL = """{# One form field with its label, help and errors beside it (aria-describedby ties them together). #}
<div class="field{% if field.errors %} field-error{% endif %}{% if field.field.widget.input_type == 'checkbox' %} field-checkbox{% endif %}">
  <label for="{{ field.id_for_label }}">{{ field.label }}{% if field.field.required %} <span class="required" aria-hidden="true">*</span>{% endif %}</label>
  {{ field }}
  {% if field.help_text %}<p class="help" id="{{ field.auto_id }}_help">{{ field.help_text }}</p>{% endif %}
  {% for error in field.errors %}<p class="error" id="{{ field.auto_id }}_error">{{ error }}</p>{% endfor %}
</div>
"""


class _Fields(forms.Form):
    name = forms.CharField(label="Name & <title>", help_text='Your "full" name', max_length=5)
    agree = forms.BooleanField(help_text="Tick <b>it</b>")
    level = forms.ChoiceField(choices=[(1, "one"), (2, "two")], required=False)
    radios = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    notes = forms.CharField(widget=forms.Textarea, required=False)


@pytest.mark.parametrize("data", [None, {"name": "far too long <x>", "level": "9"}, {"name": "ok", "agree": "on",
                                                                                  "radios": "a", "notes": "n"}])
@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_the_field_is_written_as_the_template_wrote_it(data, auto_id):
    form = _Fields(data, auto_id=auto_id)
    if data:
        form.is_valid()
    tag = Template("{% load form_field %}{% form_field field %}")
    for field in form:
        expected = Template(ORIGINAL).render(Context({"field": field}))
        assert render_to_string("includes/field.html", {"field": field}) == expected, field.name
        assert tag.render(Context({"field": field})) == expected, field.name
