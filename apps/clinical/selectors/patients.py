import datetime
import re

from django.db import connection
from django.db.models import F, FloatField, Func, Q, Value

from apps.clinical.models import MrnSequence, Patient
from apps.core.prepared import prepared

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


class _NameDistance(Func):
    """``search_name <->> 'query'``: pg_trgm's word distance (1 − word similarity) with the indexed
    column on the left, the form a GiST index returns in order (k-nearest neighbours). Django's
    TrigramWordDistance writes ``'query' <<-> search_name``, which no index can order by."""

    arg_joiner = " <->> "
    template = "(%(expressions)s)"
    output_field = FloatField()


def _search_kind(text):
    """("all" | "date" | "number" | "name", value) for a normalised query."""
    if not text:
        return "all", None
    day = _as_date(text)
    if day is not None:
        return "date", day
    digits = re.sub(r"\D", "", text)
    return ("number", digits) if digits else ("name", None)


def patient_search(*, company, query: str = "", include_deleted=False):
    """The patients matching ``query`` as a queryset (the API's filter; it counts them): names by
    pg_trgm word similarity, MRN exact or partial, phone digits, date of birth. The clinic's search
    page uses ``patient_search_page``, which is built to stay fast at a million patients."""
    manager = Patient.all_objects if include_deleted else Patient.objects
    queryset = manager.for_company(company).select_related("home_site")
    text = " ".join(query.split()).lower()
    kind, value = _search_kind(text)
    if kind == "all":
        return queryset.order_by("last_name", "first_name", "pk")
    if kind == "date":
        return queryset.filter(date_of_birth=value).order_by("last_name", "first_name", "pk")
    if kind == "name":
        _set_threshold()
        return (queryset.filter(search_name__trigram_word_similar=text)
                .annotate(distance=_NameDistance(F("search_name"), Value(text))).order_by("distance", "pk"))
    condition = Q(mrn__iexact=text) | Q(mrn__icontains=text)
    if _looks_like_phone(text, value):
        condition |= Q(phone_digits=value) | Q(phone_digits__endswith=value)
    return queryset.filter(condition).order_by("mrn", "pk")


# What the search page shows of a patient (dicts, not model instances: the page renders 25 rows cheaply).
SEARCH_ROW = ("id", "last_name", "first_name", "mrn", "date_of_birth", "phone", "home_site__name")


def patient_search_page(*, company, query: str = "", offset: int = 0, limit: int = 25) -> list:
    """Up to ``limit + 1`` best matches (dicts of ``SEARCH_ROW``) from ``offset`` (the extra row tells the caller there is more),
    best first, in one query whose cost does not grow with the number of patients.

    Under row-level security PostgreSQL may use an index only for conditions built from leakproof
    functions (it must not run a user's condition on rows the policy hides): equality is leakproof,
    LIKE and pg_trgm's similarity operators are not. So:

    - a name is answered by the k-nearest-neighbour order of the GiST index ``patient_name_gist``
      (``search_name <->> query``, ordering is allowed) with no similarity condition in SQL; the rows
      come back nearest first and the list is cut where the word similarity drops below
      ``SEARCH_THRESHOLD`` — a name nobody has costs one page of the index, not a scan;
    - an MRN, phone or MRN number by equality (indexes ``patient_unique_mrn``/``patient_phone``): the typed MRN,
      its upper-case form, the company's MRN format applied to the digits, the phone digits; only when
      none of them matches, partial MRN/phone matches (a scan at scale: a typo'd number is rare);
    - a date of birth by equality (``patient_dob``).
    """
    queryset = Patient.objects.for_company(company)
    text = " ".join(query.split()).lower()
    kind, value = _search_kind(text)
    window = slice(offset, offset + limit + 1)
    if kind == "all":
        return list(queryset.order_by("last_name", "first_name", "pk").values(*SEARCH_ROW)[window])
    if kind == "date":
        return list(queryset.filter(date_of_birth=value).order_by("last_name", "first_name", "pk")
                    .values(*SEARCH_ROW)[window])
    company_id = getattr(company, "pk", company)
    if kind == "name":
        rows = _nearest_names(company_id=company_id, text=text, window=(window.start, window.stop))
        return [row for row in rows if row["distance"] <= 1 - SEARCH_THRESHOLD]
    typed = " ".join(query.split())
    exact = {typed, typed.upper()}
    sequence = next(iter(_mrn_format(company_id=company_id)), None)
    if sequence is not None and len(value) <= 18:
        exact.add(f"{sequence['prefix']}{int(value):0{sequence['digits']}d}")  # MrnSequence.format
    mrns = sorted(exact) + [None] * (3 - len(exact))
    rows = _by_number(company_id=company_id, mrn1=mrns[0], mrn2=mrns[1], mrn3=mrns[2],
                      phone=value if _looks_like_phone(text, value) else None, window=(window.start, window.stop))
    if rows or offset:
        return rows
    return list(patient_search(company=company, query=query).values(*SEARCH_ROW)[window])


# The search page's reads run on every keystroke's page: prepared (apps.core.prepared), so the ORM
# builds each once per shape (a page of results, how many MRN forms, a phone or not).
_nearest_names = prepared(lambda company_id, text, window: Patient.objects.for_company(company_id).annotate(
    distance=_NameDistance(F("search_name"), Value(text))).order_by("distance")  # ties in index order: a tie-break would sort every tie
    .values(*SEARCH_ROW, "distance")[window[0]:window[1]])
_mrn_format = prepared(lambda company_id: MrnSequence.objects.for_company(company_id).order_by("pk")
                       .values("prefix", "digits")[:1])


def _by_number_queryset(company_id, mrn1, mrn2, mrn3, phone, window):
    condition = Q(mrn=mrn1)
    for mrn in (mrn2, mrn3):
        if mrn is not None:
            condition |= Q(mrn=mrn)
    if phone is not None:
        condition |= Q(phone_digits=phone)
    return (Patient.objects.for_company(company_id).filter(condition).order_by("mrn", "pk")
            .values(*SEARCH_ROW)[window[0]:window[1]])


_by_number = prepared(_by_number_queryset)


def _looks_like_phone(text, digits):
    return len(digits) >= 4 and len(digits) >= len(text.replace(" ", "")) - 3


def _set_threshold():
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [str(SEARCH_THRESHOLD)])


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
