"""Settings for a gunicorn started by the tests: the project's, with tests.wms.server_urls."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.wms.server_urls"
