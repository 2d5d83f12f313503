"""Default settings of ISC.

Each upper-case name is a setting. A deployment overrides it in `instance/config.py`, then with an
environment variable of the same name prefixed by `ISC_` (`ISC_DATABASE_URL=...`); values of
environment variables are read as JSON when they parse as JSON (`ISC_DEV_TOOLS=false`,
`ISC_MAIL_PORT=587`), as plain strings otherwise. The README lists every setting.
"""

# "development" (the embedded default) or "production". Production refuses a missing SECRET_KEY,
# the development tools and the identity partner's local stand-in.
ENVIRONMENT = "development"

# Signs session cookies and CSRF tokens. Left empty, development generates one into
# instance/secret_key on first start; production refuses to start.
SECRET_KEY = None

# SQLAlchemy URL of the database. Empty: an SQLite file in the instance folder.
# PostgreSQL: "postgresql+psycopg://user:password@host:5432/isc".
DATABASE_URL = None

# Redis URL ("redis://127.0.0.1:6379/0"). Set: background jobs go to RQ queues (run
# `flask isc worker`) and throttling counters are shared by every app server.
# Empty: jobs run inline, after the request's commit, and counters stay in process memory.
REDIS_URL = None

# Public base URL of ISC, used for every link in e-mails (never the request's Host header).
BASE_URL = "http://127.0.0.1:5000"

# Development tools: the "boîte mail de développement" page (/dev/mailbox). Refused in production.
DEV_TOOLS = True

# Number of reverse proxies in front of ISC whose X-Forwarded-For/-Proto headers are trusted
# (0: none; the client IP is the socket's peer).
TRUSTED_PROXIES = 0

# Contact shown in error messages and e-mails.
SUPPORT_EMAIL = "support.isc@esante.gouv.fr"

# --- E-mail -----------------------------------------------------------------------------------
# SMTP server. Empty: messages are kept in the outbox (see the development mailbox) and sent
# once a server is configured (`flask isc outbox send`).
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USE_TLS = False  # STARTTLS after connecting
MAIL_USE_SSL = False  # implicit TLS (usually port 465)
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "Industriels Santé Connect <ne-pas-repondre@isc.esante.gouv.fr>"
# Flask-Mail silently drops every message when TESTING is on, yet the outbox would mark them
# sent. ISC's only switch is MAIL_SERVER (empty: messages wait in the outbox).
MAIL_SUPPRESS_SEND = False
# Delivery attempts of one message before it is marked failed, and the waits between them
# (seconds; the last wait repeats).
MAIL_MAX_ATTEMPTS = 6
MAIL_RETRY_DELAYS = [30, 120, 600, 1800, 3600]

# --- Accounts and sessions --------------------------------------------------------------------
# A session ends after this many seconds without a request, and in any case this many seconds
# after sign-in.
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_ABSOLUTE_TIMEOUT = 12 * 3600
# Validity of e-mailed links, in seconds: first password ("initialiser votre mot de passe")
# and password reset.
PASSWORD_SETUP_LINK_TTL = 72 * 3600
PASSWORD_RESET_LINK_TTL = 3600
# Throttling (Flask-Limiter syntax). Failed sign-ins counted per IP and per account; reset
# requests counted per IP and per e-mail address.
SIGN_IN_LIMIT_PER_IP = "20 per 15 minutes"
SIGN_IN_LIMIT_PER_ACCOUNT = "10 per 15 minutes"
PASSWORD_RESET_LIMIT_PER_IP = "10 per hour"
PASSWORD_RESET_LIMIT_PER_ACCOUNT = "3 per hour"

# --- Jobs -------------------------------------------------------------------------------------
# Name of the RQ queue ISC uses, and the longest a job may run (seconds).
JOBS_QUEUE = "isc"
JOBS_TIMEOUT = 300
