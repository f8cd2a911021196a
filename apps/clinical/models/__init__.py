"""Clinical records, one module per aggregate."""

from apps.clinical.models.notes import *  # noqa: F401,F403
from apps.clinical.models.nursing import *  # noqa: F401,F403
from apps.clinical.models.patients import *  # noqa: F401,F403
from apps.clinical.models.permissions import *  # noqa: F401,F403
from apps.clinical.models.records import *  # noqa: F401,F403
from apps.clinical.models.visits import *  # noqa: F401,F403
from apps.clinical.models.vitals import *  # noqa: F401,F403
