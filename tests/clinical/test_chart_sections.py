"""Higher contexts add sections to the chart without clinical importing them."""

import pytest

from apps.clinical import chart_sections


@pytest.fixture
def a_section(monkeypatch):
    monkeypatch.setattr(chart_sections, "CHART_SECTIONS", [])

    def stays(request, patient):
        if request.user.email.startswith("rita"):
            return None
        return "clinical/tests/section.html", {"stays": [f"{patient.last_name} on ward 4"]}

    chart_sections.register_chart_section(stays, order=10)
    chart_sections.register_chart_section(stays, order=10)  # registering twice adds it once
    return stays


@pytest.fixture
def section_template(settings, tmp_path):
    template_dir = tmp_path / "clinical" / "tests"
    template_dir.mkdir(parents=True)
    (template_dir / "section.html").write_text(
        '<section id="stays">{% for s in section.stays %}{{ s }}{% endfor %}</section>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


def test_a_registered_section_appears_on_the_chart_once(a_section, section_template, client, practitioner, patient):
    client.force_login(practitioner)
    response = client.get(f"/clinic/patients/{patient.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count('<section id="stays">') == 1
    assert "Holloway on ward 4" in response.content.decode()


def test_a_section_that_returns_nothing_for_this_user_is_left_out(a_section, section_template, client, reception,
                                                                    patient):
    client.force_login(reception)
    response = client.get(f"/clinic/patients/{patient.pk}/")
    assert response.status_code == 200
    assert '<section id="stays">' not in response.content.decode()
