import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

application = get_wsgi_application()

# Load the URLconf (and the views it imports) now, then move everything loaded so far out of the
# garbage collector's reach: a full collection walked these ~400,000 long-lived objects in every
# worker (160 ms of CPU, about a second of wall time on a busy 2-core machine), which was the event
# API's p99 tail under load (issue 13 item 3). Objects made later are collected as usual.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 - imports every view module
gc.freeze()
