import datetime
import re

from django.contrib.postgres.search import TrigramWordDistance
from django.db import connection
from django.db.models import Q

from apps.clinical.models import Patient

# Word-similarity threshold for the %> operator (pg_trgm default 0.6 misses one-letter typos).
SEARCH_THRESHOLD = 0.3
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y")


def _as_date(text):
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def patient_search(*, company, query: str = "", include_deleted=False):
    """Typo-tolerant, best match first: names by trigram word similarity (pg_trgm ``%>`` and the
    word-distance ``<<->`` ordering, GIN index ``patient_name_trgm``), MRN by exact or partial match
    (``patient_mrn_upper_trgm``, case-insensitive), date of birth, phone digits.

    Every branch is index-backed and ordered, so a page of results is one LIMIT query; callers show
    the best matches rather than counting them all (a common surname matches thousands)."""
    manager = Patient.all_objects if include_deleted else Patient.objects
    queryset = manager.for_company(company).select_related("home_site")
    text = " ".join(query.split()).lower()
    if not text:
        return queryset.order_by("last_name", "first_name", "pk")
    day = _as_date(text)
    if day is not None:
        return queryset.filter(date_of_birth=day).order_by("last_name", "first_name", "pk")
    digits = re.sub(r"\D", "", text)
    condition = Q(mrn__iexact=text) | Q(mrn__icontains=text)
    if len(digits) >= 4 and len(digits) >= len(text.replace(" ", "")) - 3:
        condition |= Q(phone_digits=digits) | Q(phone_digits__endswith=digits)
    if not digits:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                           [str(SEARCH_THRESHOLD)])
        # search_name is stored lower-case: plain LIKE (contains) uses the trigram index, ILIKE on UPPER() would not
        condition |= Q(search_name__contains=text) | Q(search_name__trigram_word_similar=text)
        return (queryset.filter(condition).annotate(distance=TrigramWordDistance(text, "search_name"))
                .order_by("distance", "last_name", "first_name", "pk"))
    return queryset.filter(condition).order_by("last_name", "first_name", "pk")


def sites_with(*, user, code: str):
    """Sites of the user's company where they hold ``code`` (all sites for a company-wide grant)."""
    from apps.clinical import access
    from apps.tenants.models import Site

    held = access.sites_with_code(user, code)
    sites = Site.objects.for_company(user.company_id).filter(is_active=True).order_by("name")
    return sites if None in held else sites.filter(pk__in=[pk for pk in held if pk is not None])


def people_with(*, company, code: str, site=None):
    """Active users whose role (at ``site``, or anywhere) carries ``code``."""
    from apps.clinical.models import RolePermission
    from apps.tenants.models import Membership, User

    roles = RolePermission.objects.for_company(company).filter(code=code).values("role")
    memberships = Membership.objects.for_company(company).filter(is_active=True, role__in=roles)
    if site is not None:
        memberships = memberships.filter(Q(site=site) | Q(site__isnull=True, program__isnull=True))
    return User.objects.for_company(company).filter(is_active=True, pk__in=memberships.values("user")).order_by(
        "last_name", "first_name")
