from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from apps.core.prepared import prepared
from apps.core.scoping import unscoped
from apps.tenants.models import Company, User

_USER_FIELDS = tuple(field.attname for field in User._meta.concrete_fields)
_COMPANY_FIELDS = tuple(field.attname for field in Company._meta.concrete_fields)
# The session's user and their company: every request reads it, so its SQL is compiled once
# (apps.core.prepared). It crosses tenants: the user row is how the request learns its tenant.
_session_user_rows = prepared(
    lambda user_id: User.objects.filter(pk=user_id).values(
        *_USER_FIELDS, *(f"company__{name}" for name in _COMPANY_FIELDS)),
    unscoped="authentication: session user lookup")


def session_user(user_id) -> User | None:
    """The user of ``user_id`` with ``company`` loaded, as ``select_related("company")`` builds it
    (``Model.from_db``: the same instance, signals and loaded-company bookkeeping), or None."""
    try:
        user_id = User._meta.pk.to_python(user_id)  # the session keeps it as text
    except ValidationError:
        return None
    if user_id is None:
        return None
    rows = _session_user_rows(user_id=user_id)
    if not rows:
        return None
    row = rows[0]
    user = User.from_db(User.objects.db, _USER_FIELDS, [row[name] for name in _USER_FIELDS])
    if row["company__id"] is not None:
        user._state.fields_cache["company"] = Company.from_db(
            Company.objects.db, _COMPANY_FIELDS, [row[f"company__{name}"] for name in _COMPANY_FIELDS])
    else:
        user._state.fields_cache["company"] = None
    return user


class EmailBackend(ModelBackend):
    """ModelBackend whose session lookup may cross tenants: at that moment no tenant is known
    yet — the user row *is* how we learn it. The company comes in the same query, since every
    page needs it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        # No tenant is known before sign-in, and checking the password may upgrade its stored hash
        # (a save of the user row): both run under the escape hatch (and the RLS bypass).
        with unscoped("authentication: sign-in and password-hash upgrade"):
            return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        user = session_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
