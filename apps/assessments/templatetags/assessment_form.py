"""``{% level_radios form.entrustment_level %}``: the entrustment-level radios written in Python
(issue 19). The same bytes as the loop that ``assessments/levels_field.html`` ran per level,
``{{ radio.tag }}`` included (Django's radio_option.html → input.html → attrs.html: three template
renders per radio); ``tests/assessments/test_level_radios.py`` compares both, errors and a
checked level included."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from apps.core.form_renderer import input_html

register = template.Library()

EMPTY = '<p class="help">Choose the EPA to see its entrustment levels.</p>\n    '


def level_radios_html(field) -> str:
    """Each radio as ``<label class="choice" for="…">{{ radio.tag }} <span>{{ radio.choice_label }}</span></label>``
    with the loop's own line breaks; the help line when the EPA has no levels (``{% empty %}``)."""
    parts = [f'\n    <label class="choice" for="{conditional_escape(radio.id_for_label)}">{input_html(radio.data)} '
             f'<span>{conditional_escape(radio.choice_label)}</span></label>\n    ' for radio in field]
    return mark_safe("".join(parts) if parts else EMPTY)


@register.simple_tag
def level_radios(field):
    return level_radios_html(field)
