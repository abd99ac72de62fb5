"""Local development: the base settings with DEBUG on unless the environment says otherwise.

manage.py uses this module by default so commands work on a laptop without any setup;
deployments set DJANGO_SETTINGS_MODULE=cms.settings.production.
"""

import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: F403
