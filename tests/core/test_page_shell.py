"""The page header written in Python is the template's header, byte for byte (apps/core/templatetags/page_shell.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template import engines
from django.test import RequestFactory
from django.urls import resolve

from apps.tenants.models import User
from apps.tenants.roles import Role

pytestmark = pytest.mark.django_db

# base.html's header as a template, before it was written in Python
OLD_HEADER = """  <header class="site-header" role="banner">
    <a class="brand" href="{% url 'home' %}">Rounds</a>
    {% if tenant %}<span class="tenant-name">{{ tenant.name }}</span>{% endif %}
    {% if user.is_authenticated %}
    {# One menu for every width, without JavaScript: a phone shows "Menu" and opens it as a drop-down; #}
    {# a wider screen shows it inline (rounds.css: the summary is hidden, the content always shown). #}
    <details class="nav-menu">
      <summary>Menu{% if nav_badge_total %} <span class="nav-badge">{{ nav_badge_total }}<span class="visually-hidden"> unread</span></span>{% endif %}</summary>
      <div class="nav-menu-body">
        <nav aria-label="Main" class="main-nav">
          <ul>
            <li><a href="{% url 'home' %}" {% if request.resolver_match.url_name == 'home' %}aria-current="page"{% endif %}>Home</a></li>
            {% for item in nav_items %}
            <li><a href="{{ item.url }}" {% if request.resolver_match.view_name == item.url_name %}aria-current="page"{% endif %}>{{ item.label }}{% if item.badge %} <span class="nav-badge">{{ item.badge }}<span class="visually-hidden"> unread</span></span>{% endif %}</a></li>
            {% endfor %}
            {% if user.is_superuser %}<li><a href="{% url 'admin:index' %}">Admin</a></li>{% endif %}
          </ul>
        </nav>
        <form method="post" action="{% url 'logout' %}" class="logout">
          {% csrf_token %}
          <a class="who" href="{% url 'security' %}" title="Security and your sessions">{{ user.full_name|default:user.email }}</a>
          <button type="submit" class="link-button">Sign out</button>
        </form>
      </div>
    </details>
    {% endif %}
  </header>"""  # noqa: E501
SEPARATOR = "\n=====\n"


def _both(user, path="/", **context):
    request = RequestFactory().get(path)
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    request.resolver_match = resolve(path)
    page = engines["django"].from_string("{% load page_shell %}" + OLD_HEADER + SEPARATOR + "  {% site_header %}")
    old, new = page.render(context, request).split(SEPARATOR)
    return old, new


def test_anonymous_visitors_see_the_brand_only():
    old, new = _both(AnonymousUser())
    assert new == old and "nav-menu" not in new


def test_ines_the_org_admin_sees_her_menu_with_home_marked_and_her_company(northwind, make_user):
    ines = make_user(northwind, Role.ORG_ADMIN, email="ines@northwind.example")
    old, new = _both(ines)
    assert new == old
    assert 'aria-current="page">Home' in new and "Northwind Health" in new and "csrfmiddlewaretoken" in new


def test_unread_badges_and_the_current_page_come_out_as_the_template_wrote_them(northwind, make_user):
    nurse = make_user(northwind, email="nurse@northwind.example")
    inbox = resolve("/notifications/")
    items = [{"label": "Inbox", "url": "/notifications/", "url_name": inbox.view_name, "badge": 3},
             {"label": "Wards & beds <x>", "url": "/hospital/?a=1&b=2", "url_name": "hospital:home", "badge": 0}]
    old, new = _both(nurse, "/notifications/", nav_items=items, nav_badge_total=3)
    assert new == old
    assert 'aria-current="page">Inbox <span class="nav-badge">3' in new and "Wards &amp; beds &lt;x&gt;" in new


def test_a_hostile_name_is_escaped_as_autoescaping_would(northwind, make_user):
    eve = make_user(northwind, Role.ORG_ADMIN, email="eve@northwind.example")
    User.objects.unscoped().filter(pk=eve.pk).update(first_name='<script>alert("x")</script>', last_name="& co")
    eve.refresh_from_db()
    northwind.name = "Northwind <b>&</b>"
    northwind.save()
    eve.company = northwind
    old, new = _both(eve)
    assert new == old and "<script>" not in new and "&lt;b&gt;&amp;&lt;/b&gt;" in new


def test_the_platform_superuser_sees_the_admin_link(db):
    admin = User.objects.create_superuser(email="root@rounds.example", password="x" * 16)
    old, new = _both(admin)
    assert new == old and ">Admin</a>" in new
