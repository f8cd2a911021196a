import datetime

import pytest
from icalendar import Calendar

from apps.academics import services
from tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def test_riley_subscribes_to_her_rotations_and_revoking_the_link_404s(client, program, blocks, riley, acs, trauma,
                                                                        main_site):
    first = services.rotation_assignment_set(actor=riley.user, learner=riley, block=blocks[0], rotation_type=acs,
                                             site=main_site)
    services.rotation_assignment_set(actor=riley.user, learner=riley, block=blocks[1], rotation_type=trauma)
    client.force_login(riley.user)
    client.post("/programs/calendar/")
    feed = riley.user.calendar_feeds.get()
    assert feed.token in client.get("/programs/calendar/").content.decode()
    client.logout()
    response = client.get(f"/programs/calendar/{feed.token}.ics")
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert len(events) == 2
    event = next(e for e in events if str(e["uid"]) == f"{first.pk}@rounds")
    assert event.decoded("dtstart") == datetime.date(2026, 7, 1)
    assert event.decoded("dtend") == datetime.date(2026, 7, 29)  # exclusive
    assert str(event["summary"]) == "Acute Care Surgery" and str(event["location"]) == main_site.name
    assert "dtstamp" in event
    assert str(cal["x-wr-timezone"]) == "America/New_York" and cal.walk("VTIMEZONE")
    client.force_login(riley.user)
    client.post(f"/programs/calendar/feeds/{feed.pk}/revoke/")
    client.logout()
    assert client.get(f"/programs/calendar/{feed.token}.ics").status_code == 404


def test_casey_gets_a_program_feed_with_every_assignment(client, casey, program, blocks, riley, acs):
    for block in blocks[:3]:
        AssignmentFactory(learner=riley, rotation_type=acs, block=block, start_date=block.start_date,
                          end_date=block.end_date)
    client.force_login(casey)
    client.post("/programs/calendar/", {"program": program.pk})
    feed = casey.calendar_feeds.get()
    assert feed.program == program
    cal = Calendar.from_ical(client.get(f"/programs/calendar/{feed.token}.ics").content)
    assert len(cal.walk("VEVENT")) == 3


def test_riley_cannot_make_a_program_feed(client, program, riley):
    client.force_login(riley.user)
    assert client.post("/programs/calendar/", {"program": program.pk}).status_code == 403
    assert not riley.user.calendar_feeds.exists()
