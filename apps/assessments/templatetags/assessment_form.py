"""The assessment form's lists of choices written in Python (issue 19), each the same bytes as the
template loop it replaces (tests compare both).

``{% level_radios form.entrustment_level %}``: the loop that ``assessments/levels_field.html`` ran
per level, ``{{ radio.tag }}`` included (Django's radio_option.html → input.html → attrs.html: three
template renders per radio); ``tests/assessments/test_level_radios.py``, errors and a checked level
included. ``{% tag_boxes form.tags_went_well %}``: the loop ``assessments/form.html`` ran per
feedback tag (a dozen variable look-ups, filters and an inner loop over the attributes per box, for
≈20 boxes); ``tests/assessments/test_tag_boxes.py``."""

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


def tag_boxes_html(field) -> str:
    """Each box as ``<label class="tag" for="…"><input …> {{ box.choice_label }}</label>``, no
    separator, as the template loop wrote them (its input written out as input.html + attrs.html
    write it: ``input_html``)."""
    return mark_safe("".join(
        f'<label class="tag" for="{conditional_escape(box.id_for_label)}">{input_html(box.data)} '
        f'{conditional_escape(box.choice_label)}</label>' for box in field))


@register.simple_tag
def tag_boxes(field):
    return tag_boxes_html(field)
