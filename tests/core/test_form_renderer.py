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


class _Inputs(forms.Form):
    text = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"placeholder": 'a "b" <c>', "hidden": False}))
    search = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search", "autofocus": True}))
    number = forms.IntegerField(min_value=1, max_value=9)
    decimal = forms.DecimalField(required=False, localize=True)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(disabled=True)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput, initial=format_html("<i>{}</i>", "safe"))
    agree = forms.BooleanField(required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    empty_notes = forms.CharField(required=False, widget=forms.Textarea)


@pytest.mark.parametrize("data", [None, {"text": 'x & <y> "z"', "search": "  ", "number": "12", "decimal": "1.5",
                                         "day": "2026-11-26", "email": "a@b.c", "secret": "p&w", "hidden": "<h>",
                                         "agree": "on", "notes": "line 1\n<b>line 2</b>\n", "empty_notes": ""},
                                  {"number": "x", "day": "nope", "notes": ""}])
def test_every_input_and_textarea_is_written_byte_for_byte_as_djangos_templates_write_it(data):
    form = _Inputs(data)
    if data:
        form.is_valid()
    for name in form.fields:
        form.renderer = DjangoTemplates()
        expected = str(form[name])
        form.renderer = FormRenderer()
        assert str(form[name]) == expected, name


def test_inputs_and_textareas_take_no_template(monkeypatch):
    templates = []
    original = DjangoTemplates.get_template
    monkeypatch.setattr(DjangoTemplates, "get_template", lambda self, name: templates.append(name) or original(self, name))
    form = _Inputs({"text": "x", "notes": "y"}, renderer=FormRenderer())
    for name in form.fields:
        str(form[name].as_widget())
    assert templates == []
