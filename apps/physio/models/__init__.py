from apps.physio.models.bookings import *  # noqa: F403
from apps.physio.models.evaluations import *  # noqa: F403
from apps.physio.models.intake import *  # noqa: F403
from apps.physio.models.plans import *  # noqa: F403
from apps.physio.models.proms import *  # noqa: F403
