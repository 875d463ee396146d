"""The WSGI application with a profiler and a query log around each POST .../post/ (for
bench/profile_post.py; never deployed).

Each profiled request adds to one pyinstrument session, written as text to $PROFILE_OUT by a
GET /profile-dump (which starts a new session), and
the statements the request sent (through Django's cursor wrapper) are appended to
$PROFILE_OUT.sql, one request per block.
"""

import os

from django.db import connection
from pyinstrument import Profiler

from config.wsgi import application as django_application

profiler = Profiler(interval=0.0005)
OUT = os.environ.get("PROFILE_OUT", "/tmp/wms-post-profile.txt")


def _logged(statements):
    def wrapper(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/profile-dump":  # written on demand: rendering a long session takes a while
        with open(OUT, "w") as out:
            out.write(profiler.output_text(unicode=False, color=False, show_all=False))
        profiler.reset()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"written\n"]
    if environ.get("REQUEST_METHOD") != "POST" or not path.endswith("/post/"):
        return django_application(environ, start_response)
    statements = []
    profiler.start()
    try:
        with connection.execute_wrapper(_logged(statements)):
            return list(django_application(environ, start_response))
    finally:
        profiler.stop()
        with open(f"{OUT}.sql", "a") as out:
            out.write("\n".join(["-- request", *statements, ""]))
