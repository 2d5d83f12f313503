# Copy to instance/config.py and adapt. Every setting is described in isc/config.py and the
# README; ISC_* environment variables override what this file says.

# ENVIRONMENT = "production"
# SECRET_KEY = "a long random string: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
# DATABASE_URL = "postgresql+psycopg://isc:password@db.internal:5432/isc"
# REDIS_URL = "redis://redis.internal:6379/0"
# BASE_URL = "https://isc.esante.gouv.fr"
# DEV_TOOLS = False
# TRUSTED_PROXIES = 1
# MAIL_SERVER = "smtp.internal"
# MAIL_PORT = 587
# MAIL_USE_TLS = True
# MAIL_USERNAME = "isc"
# MAIL_PASSWORD = "..."
