"""factory-boy factories. Every tenant-owned factory takes its company from a parent object —
pass the parent (or ``company=``) explicitly; nothing here invents a tenant silently."""

from tests.factories.academics import *  # noqa: F401,F403
from tests.factories.assessments import *  # noqa: F401,F403
from tests.factories.notifications import *  # noqa: F401,F403
from tests.factories.reference import *  # noqa: F401,F403
from tests.factories.tenants import *  # noqa: F401,F403
