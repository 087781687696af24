"""
gunicorn settings for production (Procfile: `gunicorn -c deploy/gunicorn.conf.py`).

Request limits (docs/operations.md, "Request limits"): gunicorn's own limits are set above
the application's (danvan.core.middleware.RequestLimitMiddleware), so a client with an
over-long address or header gets the API's JSON error (414/431) from the application; only
what is beyond these gunicorn limits is refused by gunicorn itself (its plain 400/414).
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
accesslog = "-"

# The request line (method, path, query string, protocol), in bytes. The application
# answers 414 above 6,144 bytes of path and query string.
limit_request_line = 8190
# Header fields per request; the application answers 431 above 80.
limit_request_fields = 100
# Bytes of one header field (name and value); the application answers 431 above 6,144.
limit_request_field_size = 8190
