"""The schedule grid's cells, written in Python (issue 19): a 26 × 13 grid has 338 cells, and a
template include per cell (two links, four lookups each) was most of the page's time. One function
writes every cell — the grid page's rows and the htmx answers for one cell (saved, Cancel) — so
their markup cannot drift apart. Every value goes through ``escape``, as autoescaping would.

Compact markup: a cell's link is a plain ``href``; one delegated click handler
(``static/academics/grid.js``) loads its editor into the cell by htmx, so the URL is not written a
second time as an ``hx-get`` (≈29 KB of a 26 × 13 grid). On the grid page a cell's link is relative
to the page (``<learner>/<block>/`` under ``…/grid/``); a cell answered alone carries the grid's
absolute URL. Without JavaScript the link opens the editor as a page.

The learner's header cell of each row is written here too (``grid_rows``): ``{% url %}`` and a dozen
lookups per row were the rest of the template's time; the person link is reversed once per page."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from apps.academics.selectors import GridCell

register = template.Library()
SITE_CHARS = 18  # the site's name under the rotation code, truncated like |truncatechars:18


def _shown(cell) -> tuple[str, str, str]:
    """(classes, data-rotation, link text) of a cell; the same for every cell of one rotation and site."""
    if cell is None:
        return "cell", "", '<span class="empty">+</span>'
    code = escape(cell.code)
    shown = (f"{code}<br><small>{escape(Truncator(cell.site_name).chars(SITE_CHARS))}</small>"
             if cell.site_name else code)
    return f"cell rot-{escape(cell.colour)}", code, shown


def _cell(url, cell_id, label, shown, undo_html="") -> str:
    classes, rotation, text = shown
    return (f'<td class="{classes}" id="{cell_id}" data-rotation="{rotation}"><a href="{url}" aria-label="{label}">'
            f"{text}</a>{undo_html}</td>")


def _gaps(learner_id, gaps, oob=False) -> str:
    shown = "<br>".join(f'<span class="gap-text">Needs {escape(rt.code)}: {escape(weeks)} of '
                        f'{escape(rt.minimum_weeks)} weeks</span>' for rt, weeks in gaps) or "—"
    gap_class = ' class="gap"' if gaps else ""
    swap = ' hx-swap-oob="true"' if oob else ""
    return f'<td id="gaps-{learner_id}"{gap_class}{swap}>{shown}</td>'


def grid_row_cells(row, blocks) -> str:
    """A row's cells and its required-gaps cell. ``blocks``: ``_Blocks``, made once per page;
    the text of each distinct (rotation, site) is written once per page too."""
    learner_id, label = str(row.learner.pk), escape(row.learner.name)
    shown_of = blocks.shown
    parts = []
    for (block_id, block_label), (_block, cell) in zip(blocks, row.cells, strict=True):
        shown = shown_of.get(cell)
        if shown is None:
            shown = shown_of[cell] = _shown(cell)
        path = f"{learner_id}/{block_id}/"
        parts.append(_cell(path, f"cell-{learner_id}-{block_id}", f"Edit {label} in {block_label}", shown))
    parts.append(_gaps(learner_id, row.gaps))
    return "".join(parts)


_PLACEHOLDER = "00000000-0000-4000-8000-000000000000"


@register.simple_tag
def grid_rows(rows, blocks, program_id):
    """Every learner row of the grid (``rows``: ``selectors.GridRow``s of ``GridLearner``s): the
    learner's header cell (person link, name, PGY), the cells and the required-gaps cell."""
    columns = _Blocks(blocks)
    person = reverse("academics:person_detail", args=[program_id, _PLACEHOLDER])
    parts = []
    for row in rows:
        learner = row.learner
        name = f"{escape(learner.last_name)}, {escape(learner.first_name)}"
        pgy = f"<small>PGY-{escape(learner.pgy_level)}</small>" if learner.pgy_level else ""
        gap_row = ' class="gap-row"' if row.gaps else ""
        parts.append(
            f'\n  <tr{gap_row}>\n    <th scope="row" class="learner-col">'
            f'<a href="{person.replace(_PLACEHOLDER, str(learner.user_id))}" title="{name}">{name}</a>{pgy}</th>'
            f"\n    {grid_row_cells(row, columns)}\n  </tr>")
    return mark_safe("".join(parts))


class _Blocks(list):
    """[(block id as text, escaped name)] in column order, and a page-wide memo of cell texts."""

    def __init__(self, blocks):
        super().__init__((str(block.pk), escape(block.name)) for block in blocks)
        self.shown = {}


@register.simple_tag
def grid_cell(grid_url, learner, block, assignment, undo=None):
    """One cell, alone (an htmx answer): its links carry the grid's absolute URL."""
    url = f"{grid_url}{learner.pk}/{block.pk}/"
    undo_html = (f'<button type="button" class="link-button undo" hx-post="{escape(undo["url"])}" '
                 f"hx-vals='{escape(undo['json'])}' hx-target=\"closest td\" hx-swap=\"outerHTML\">Undo</button>"
                 if undo else "")
    cell = assignment if assignment is None or isinstance(assignment, GridCell) else GridCell.of(assignment)
    return mark_safe(_cell(url, f"cell-{learner.pk}-{block.pk}", f"Edit {escape(str(learner.user))} in "
                           f"{escape(block.name)}", _shown(cell), undo_html))


@register.simple_tag
def grid_gaps(learner, gaps, oob=False):
    return mark_safe(_gaps(learner.pk, gaps, oob))
