"""Django's form renderer, with ``<select>``, ``<input>`` and ``<textarea>`` written in Python (issue 19).

Django renders a select through ``select.html``, which includes ``select_option.html`` once per
option (and ``attrs.html`` once per option and per select): a learner list or a page's filter
selects cost a template include per option on every page that shows them. ``render`` below writes
the same bytes as those three templates for plain selects — string labels, the stock option
template — and hands anything else (a custom option template, a non-string label that the
template would localise) to the templates. Inputs (text, number, date, search, hidden, checkbox…:
every widget template that only includes ``input.html``) and textareas cost two includes each
(``input.html``, ``attrs.html``) for one line of markup; they are written here too when their value
is a string or None (what ``Widget.format_value`` returns), else left to the templates.
``tests/core/test_form_renderer.py`` compares both."""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: "%s" formatting (no localisation), escaped unless safe."""
    text = str(value)  # what "%s" does with one value
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs) -> str:
    """``attrs.html``."""
    return "".join(f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{_formatted(value)}"'
                   for name, value in attrs.items() if value is not False)


def _plain(widget) -> bool:
    for group_name, options, _index in widget["optgroups"]:
        if group_name is not None and not isinstance(group_name, str):
            return False
        for option in options:
            if option["template_name"] != OPTION or not isinstance(option["label"], str):
                return False
    return True


def select_html(widget) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                         f'{conditional_escape(option["label"])}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")  # the renderer strips the template's trailing newline
    return "".join(parts)


# the stock templates that are only ``{% include "django/forms/widgets/input.html" %}``
INPUTS = frozenset(f"django/forms/widgets/{name}.html" for name in (
    "checkbox", "color", "date", "datetime", "email", "hidden", "number", "password", "search", "tel", "text",
    "time", "url"))
TEXTAREA = "django/forms/widgets/textarea.html"


def input_html(widget) -> str:
    """``input.html``."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def textarea_html(widget) -> str:
    """``textarea.html`` (its line break after the opening tag included)."""
    value = widget["value"]
    return (f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
            f'{conditional_escape(value) if value else ""}</textarea>')


def _string_or_none(widget) -> bool:
    return widget["value"] is None or isinstance(widget["value"], str)


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT and _plain(context["widget"]):
            return select_html(context["widget"])
        if template_name in INPUTS and _string_or_none(context["widget"]):
            return input_html(context["widget"])
        if template_name == TEXTAREA and _string_or_none(context["widget"]):
            return textarea_html(context["widget"])
        return super().render(template_name, context, request)
