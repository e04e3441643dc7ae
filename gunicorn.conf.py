"""gunicorn settings, read by default when gunicorn starts in this folder.

Command-line flags override them. gunicorn itself reads the worker count from
WEB_CONCURRENCY.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
worker_class = "gevent"

# The largest request line gunicorn allows (its default is 4094 bytes), so that a
# long URL reaches the app and gets a JSON error instead of gunicorn's HTML 414.
limit_request_line = 8190

# gunicorn 25 and newer opens a control socket in the home folder. Several servers
# on one machine, such as test servers, would contend for the same path.
control_socket_disable = True
