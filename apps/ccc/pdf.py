"""PDFs of the CCC with fpdf2 (pure Python, core fonts): the packets of a meeting and the
milestone report. Core fonts speak Latin-1, so other characters are replaced by their closest
Latin-1 spelling (en dash → hyphen, curly quotes → straight ones)."""

from fpdf import FPDF

from apps.ccc.models import MilestoneLevel

REPLACEMENTS = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                "\u2026": "...", "\u2192": "->", "\u2212": "-", "\u00d7": "x", "\u03a3": "sum", "\u2264": "<=",
                "\u2265": ">="}
NARRATIVES_PER_TAG = 6
FOOTER = "Prepared in Rounds from data held in Rounds. Not endorsed by ACGME; not an ADS upload format."


def latin1(text) -> str:
    text = str(text if text is not None else "")
    for old, new in REPLACEMENTS.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")


class _Doc(FPDF):
    footer_text = FOOTER

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", "I", 7)
        self.cell(0, 5, latin1(f"{self.footer_text}  Page {self.page_no()}"), align="C")


def _doc(orientation="P") -> _Doc:
    pdf = _Doc(orientation=orientation, format="Letter")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(12, 12, 12)
    return pdf


def _wrapped(pdf, text, height):
    """Text wrapped at word boundaries into the page width, one ``cell`` per line. fpdf2's
    ``multi_cell`` measures a line again for every character it adds (about 6 ms a line); here each
    word is measured once per font (cached), so 30 packets take seconds, not a minute."""
    width = pdf.w - pdf.l_margin - pdf.r_margin
    widths = pdf.__dict__.setdefault("_word_widths", {})
    font = (pdf.font_family, pdf.font_style, pdf.font_size_pt)
    space = _width(pdf, widths, font, " ")
    for paragraph in latin1(text).split("\n"):
        line, used = [], 0.0
        for word in paragraph.split(" "):
            size = _width(pdf, widths, font, word)
            while size > width and not line:  # a word longer than the line: cut it
                cut = max(1, int(len(word) * width / size) - 1)
                pdf.cell(0, height, word[:cut], new_x="LMARGIN", new_y="NEXT")
                word = word[cut:]
                size = _width(pdf, widths, font, word)
            if line and used + space + size > width:
                pdf.cell(0, height, " ".join(line), new_x="LMARGIN", new_y="NEXT")
                line, used = [], 0.0
            used += (space if line else 0) + size
            line.append(word)
        pdf.cell(0, height, " ".join(line), new_x="LMARGIN", new_y="NEXT")


def _width(pdf, cache, font, word):
    key = (font, word)
    if key not in cache:
        cache[key] = pdf.get_string_width(word)
    return cache[key]


def _heading(pdf, text, size=12):
    pdf.set_font("Helvetica", "B", size)
    _wrapped(pdf, text, 6)


def _line(pdf, text, size=9, style=""):
    pdf.set_font("Helvetica", style, size)
    _wrapped(pdf, text, 4.5)


def packet_pages(pdf, meeting, packet):
    """One resident's packet, starting on a new page."""
    pdf.add_page()
    learner = packet.learner
    start, end = packet.window
    _heading(pdf, f"CCC packet: {learner.user} (PGY {learner.pgy_level or '-'})", 14)
    _line(pdf, f"{meeting.program.name} - {meeting.get_period_display()} {meeting.academic_year.name}; "
               f"evidence {start:%d %b %Y} to {packet.as_of:%d %b %Y}; meeting {meeting.date:%d %b %Y}")
    pdf.ln(2)
    _heading(pdf, f"EPA assessments in the period ({len(packet.assessments)})", 11)
    for row in packet.epa_rows:
        _line(pdf, f"{row['epa']}: {row['count']} - levels " + " > ".join(str(n) for n in row["levels"][-30:]))
        if len(row["history"]) > 1:
            _line(pdf, "    since training began (mean per half-year): " + " > ".join(
                f"{label} {mean:.1f} ({count})" for label, mean, count in row["history"]), size=8)
    if packet.gaps:
        _line(pdf, "Coverage gaps (not assessed in the period): " + ", ".join(f"EPA {e.number}" for e in packet.gaps),
              style="I")
    pdf.ln(2)
    _heading(pdf, "Suggested levels (the committee decides)", 11)
    for row in packet.rows:
        milestone, suggestion = row["milestone"], row["suggestion"]
        previous = ", ".join(f"{p.academic_year.name} {p.get_period_display()}: {p.level}" for p in row["previous"])
        current = f"; decided {row['current'].level}" if row["current"] else ""
        if not row["mapped"]:
            text = "no EPA mapped"
        else:
            text = f"suggested {suggestion.level or '-'} ({suggestion.explanation})"
        _line(pdf, f"{milestone.subcompetency_code} {milestone.title}: {text}{current}"
                   + (f"; previously {previous}" if previous else ""))
    pdf.ln(2)
    _heading(pdf, "Work-hour violations", 11)
    if not packet.violations_available:
        _line(pdf, "Work hours are not recorded in Rounds for this program.", style="I")
    elif not packet.violations:
        _line(pdf, "None in the period.")
    for violation in packet.violations:
        warning = " (warning)" if violation.is_warning else ""
        _line(pdf, f"{violation.label}{warning}: {violation.start:%d %b %Y %H:%M} - {violation.end:%d %b %Y %H:%M}. "
                   f"{violation.detail}")
    pdf.ln(2)
    _heading(pdf, "Last review's areas for improvement", 11)
    if packet.last_review:
        _line(pdf, f"{packet.last_review.meeting.academic_year.name} "
                   f"{packet.last_review.meeting.get_period_display()}: "
                   f"{packet.last_review.areas_for_improvement or '(none recorded)'}")
    else:
        _line(pdf, "No earlier review.", style="I")
    pdf.ln(2)
    _heading(pdf, "Narratives by feedback tag", 11)
    for label, assessments in packet.narratives.items():
        _line(pdf, f"{label} ({len(assessments)})", style="B")
        for assessment in assessments[-NARRATIVES_PER_TAG:]:
            _line(pdf, f"{assessment.assessment_date:%d %b %Y}, {assessment.epa.short_name}, level "
                       f"{assessment.entrustment_level}: {assessment.narrative_feedback[:600]}", size=8)


def packets_pdf(meeting, packets_iter, progress=None) -> bytes:
    """All packets in one PDF; ``progress(done)`` after each resident."""
    pdf = _doc()
    pdf.set_title(latin1(f"CCC packets {meeting.program.name} {meeting.date}"))
    for done, packet in enumerate(packets_iter, start=1):
        packet_pages(pdf, meeting, packet)
        if progress:
            progress(done)
    if pdf.page_no() == 0:
        pdf.add_page()
        _line(pdf, "No residents on this meeting.")
    return bytes(pdf.output())


def report_pdf(program, academic_year, period_label, report) -> bytes:
    """Resident × subcompetency × level, one table per page width (landscape)."""
    pdf = _doc("L")
    pdf.add_page()
    _heading(pdf, f"Milestone levels: {program.name}, {academic_year.name}, {period_label}", 13)
    _line(pdf, "Shaped like the ACGME milestone form for entry in ADS. " + FOOTER, size=8, style="I")
    milestones = report["milestones"]
    name_width = 45
    cell = max(8.0, (pdf.w - 24 - name_width) / max(len(milestones), 1))
    pdf.set_font("Helvetica", "B", 7)
    pdf.cell(name_width, 6, "Resident", border=1)
    for milestone in milestones:
        pdf.cell(cell, 6, latin1(milestone.subcompetency_code), border=1, align="C")
    pdf.ln()
    short = {MilestoneLevel.NOT_YET_COMPLETED: "NYC", MilestoneLevel.NOT_YET_ASSESSABLE: "NA"}
    pdf.set_font("Helvetica", "", 7)
    for row in report["rows"]:
        learner = row["learner"]
        pdf.cell(name_width, 5, latin1(f"{learner.user} (PGY {learner.pgy_level or '-'})")[:34], border=1)
        for level in row["cells"]:
            pdf.cell(cell, 5, latin1(short.get(level.level, level.level) if level else ""), border=1, align="C")
        pdf.ln()
    pdf.ln(3)
    _line(pdf, "NYC: not yet completed level 1. NA: not yet assessable. Blank: no level recorded.", size=7)
    return bytes(pdf.output())
