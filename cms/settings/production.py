"""Production: the base settings with DEBUG forced off (SECRET_KEY is then required)."""

import os

os.environ["DEBUG"] = "false"

from .base import *  # noqa: F403
