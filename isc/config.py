"""Default settings of ISC.

Each upper-case name is a setting. A deployment overrides it in `instance/config.py`, then with an
environment variable of the same name prefixed by `ISC_` (`ISC_DATABASE_URL=...`); values of
environment variables are read as JSON when they parse as JSON (`ISC_DEV_TOOLS=false`,
`ISC_MAIL_PORT=587`), as plain strings otherwise. The README lists every setting.
"""

# "development" (the embedded default) or "production". Production refuses a missing SECRET_KEY,
# the development tools and the identity partner's local stand-in.
ENVIRONMENT = "development"

# Signs session cookies and CSRF tokens, and encrypts the agents' TOTP secrets in the database
# (changing it makes them unreadable: agents then sign in with a recovery code and an
# administrator resets their second factor). Left empty, development generates one into
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

# --- Représentants and salariés: demandes -------------------------------------------------------
# Seconds after which a demande (registration or modification) nobody decided is cancelled; a
# pending applicant is then told and their data erased (the worker's daily schedule).
DEMANDES_TTL = 30 * 24 * 3600
# Pending registration demandes a company may accumulate before new ones are refused (spam).
DEMANDES_MAX_PENDING_PER_COMPANY = 100
# Throttling of the registration form ("Chercher" and "Envoyer ma demande d'inscription"), per IP.
COMPANY_SEARCH_LIMIT_PER_IP = "30 per 10 minutes"
DEMANDE_REGISTRATION_LIMIT_PER_IP = "10 per hour"

# --- Mandataire registration ------------------------------------------------------------------
# Seconds after its last change when an unfinished registration is erased (`isc registrations
# purge`, or the worker's daily schedule), and validity of the "Reprendre plus tard" link.
REGISTRATION_DRAFT_TTL = 30 * 24 * 3600
REGISTRATION_RESUME_LINK_TTL = 7 * 24 * 3600
# Uploaded Kbis: folder (empty: instance/kbis, never under static/), size and page limits, the
# longest a reading may take (seconds), and the greatest age of the extract ("à jour au", days).
KBIS_UPLOAD_FOLDER = None
KBIS_MAX_SIZE = 5 * 1024 * 1024
KBIS_MAX_PAGES = 10
KBIS_READ_TIMEOUT = 30
KBIS_MAX_AGE_DAYS = 92
# Version of the consent text shown before the identity check (recorded with each consent).
IDENTITY_CONSENT_VERSION = "1.0"
# Seconds without news from the partner after which a verification is asked about again.
IDENTITY_RECONCILE_AFTER = 30 * 60
# Days after the ANS decision when the partner's evidence (document number, names, birth date,
# expiry) is erased from ISC.
IDENTITY_EVIDENCE_RETENTION_DAYS = 30

# --- Jobs -------------------------------------------------------------------------------------
# Name of the RQ queue ISC uses, and the longest a job may run (seconds).
JOBS_QUEUE = "isc"
JOBS_TIMEOUT = 300

# --- Identity verification partner (Ubble) ---
# Base URL of the partner's Identity Verification API v2 (Checkout.com / Ubble), without the
# "/v2" part. Empty: the local stand-in at BASE_URL + UBBLE_STANDIN_PREFIX, which exists only
# with DEV_TOOLS or TESTING and never in production (production must set this).
UBBLE_API_URL = None
# Mutual TLS client certificate and its private key (PEM file paths; relative paths are read
# from the instance folder). Set both or neither.
UBBLE_CLIENT_CERT = None
UBBLE_CLIENT_KEY = None
# HTTP Basic credentials, for deployments of the partner that require them. Set both or
# neither; when set, the local stand-in requires them too.
UBBLE_CLIENT_ID = None
UBBLE_CLIENT_SECRET = None
# Seconds to wait for the partner's answer to one API call.
UBBLE_TIMEOUT = 10
# Configuration id ("usj_...") the partner's account manager gives, sent with each new
# verification. Empty: the partner's default configuration.
UBBLE_USER_JOURNEY_ID = None
# Public key of the partner's webhook signatures (ECDSA P-521), from the partner's dashboard:
# either the PEM text itself, or the path of a PEM file (relative paths are read from the
# instance folder). Several PEM blocks may follow one another while the partner rotates keys.
# Empty: the local stand-in's own key (development and tests only).
UBBLE_WEBHOOK_PUBLIC_KEY = None
# Webhooks signed longer ago than this many seconds are refused (replays); so are those signed
# more than a minute in the future.
UBBLE_WEBHOOK_MAX_AGE = 300
# Where the local stand-in of the partner is mounted in ISC (development and tests only).
UBBLE_STANDIN_PREFIX = "/_partenaire/ubble"
# The stand-in's state (applicants, verifications, its webhook signing key): an SQLite file
# shared by every process of the machine. Empty: instance/ubble-standin.sqlite3; a relative
# path is read from the instance folder.
UBBLE_STANDIN_STORE = None

# --- OpenID Connect provider ------------------------------------------------------------------
# Issuer identifier given to the services (the "iss" of every token). Empty: BASE_URL. It must
# be the origin ISC is reached at, since discovery is served at its /.well-known/ path.
OIDC_ISSUER = None
# Lifetime of an authorization code, seconds (single use in any case).
OIDC_AUTHORIZATION_CODE_TTL = 60
# Lifetime of an access token, seconds.
OIDC_ACCESS_TOKEN_TTL = 600
# Lifetime of an ID token, seconds; a retired signing key stays published this long (plus a
# margin) so that the tokens it signed can still be checked.
OIDC_ID_TOKEN_TTL = 600
# Absolute lifetime of the refresh tokens issued from one sign-in, seconds: each refresh rotates
# the token but never extends this.
OIDC_REFRESH_TOKEN_TTL = 12 * 3600
# Secret from which the key encrypting the signing keys in the database is derived.
# Empty: SECRET_KEY (changing it then makes the stored keys unreadable: run `isc keys rotate`).
OIDC_KEYS_SECRET = None
# Seconds to wait for a service's back-channel logout URI to answer, and the waits before each
# new attempt when it fails (with REDIS_URL; inline delivery tries once).
OIDC_BACKCHANNEL_LOGOUT_TIMEOUT = 5
OIDC_BACKCHANNEL_LOGOUT_RETRY_DELAYS = [10, 60, 300, 1800]

# --- ANS review console -------------------------------------------------------------------------
# Hours within which ANS decides on a mandataire's dossier (guide, étape 8.2); older dossiers
# are shown as overdue in the review queue.
REVIEW_TARGET_HOURS = 24
# Seconds an agent holds a dossier once they take it (nobody else may decide meanwhile); taking
# it again, or deciding, renews the hold.
REVIEW_CLAIM_TTL = 30 * 60
# Rows per page in the console's lists (review queue, audit log, back office).
CONSOLE_PAGE_SIZE = 50
# Name of the console shown in agents' authenticator apps next to their e-mail.
CONSOLE_TOTP_ISSUER = "ISC - console ANS"
# Seconds an agent has, after a correct password, to give their second factor.
CONSOLE_SECOND_FACTOR_TTL = 5 * 60
# Throttling of the console's sign-in (failed passwords, per IP and per e-mail address) and of
# the second factor (failed codes, per agent).
CONSOLE_SIGN_IN_LIMIT_PER_IP = "20 per 15 minutes"
CONSOLE_SIGN_IN_LIMIT_PER_ACCOUNT = "10 per 15 minutes"
CONSOLE_SECOND_FACTOR_LIMIT = "5 per 5 minutes"
# Number of single-use recovery codes given to an agent at TOTP enrolment.
CONSOLE_RECOVERY_CODES = 10
