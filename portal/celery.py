"""The Celery application.

The broker comes from CELERY_BROKER_URL, else REDIS_URL (see settings). With neither set, tasks
run eagerly in-process so that `make run` needs no other service.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
