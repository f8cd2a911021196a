"""Issue 19: <select> is written in Python by the project's form renderer; every byte must be what
Django's own templates write (escaping, optgroups, selected, boolean attributes, safe labels)."""

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html

from apps.core.form_renderer import FormRenderer


class _Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "—"), ("x&y", 'X <b> & "q"'), (3, "three")], required=False)
    grouped = forms.ChoiceField(choices=[("G1", [(1, "one"), (2, "two")]), ("G<2>", [("z", "zed")]), ("n", "none")])
    many = forms.MultipleChoiceField(choices=[(1, "a"), (2, "b"), (3, "c")], widget=forms.SelectMultiple(
        attrs={"data-x": "1", "disabled": True, "hidden": False}))
    safe = forms.ChoiceField(choices=[(format_html("<i>{}</i>", "s"), format_html("<em>{}</em>", "E"))])
    nullable = forms.NullBooleanField(widget=forms.Select(choices=[("unknown", "—"), ("false", "None"), ("true", "Yes")]))
    numbers = forms.TypedChoiceField(coerce=int, choices=[(n, n) for n in range(3)])  # int labels: templates


@pytest.mark.parametrize("data", [None, {"plain": "x&y", "grouped": "2", "many": ["1", "3"], "nullable": "true",
                                         "numbers": "2"}, {"plain": "bad"}])
def test_every_select_is_written_byte_for_byte_as_djangos_templates_write_it(data):
    form = _Everything(data)
    if data:
        form.is_valid()
    for name in form.fields:
        form.renderer = DjangoTemplates()
        expected = str(form[name])
        form.renderer = FormRenderer()
        assert str(form[name]) == expected, name


def test_the_project_renders_forms_with_it():
    assert settings.FORM_RENDERER == "apps.core.form_renderer.FormRenderer"
