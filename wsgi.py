"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from isc import create_app

app = create_app()
