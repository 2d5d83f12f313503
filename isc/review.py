"""The ANS review of mandataires' dossiers: the queue, the hold on a dossier, the automatic
consistency checks, and the decision (approval creates the account, refusal e-mails the reason).

Two agents never decide the same dossier, and a dossier is decided once: deciding first takes
(or renews) the agent's hold with a conditional statement, then moves the registration out of
`in_review` with a conditional UPDATE (isc/registration.py); the decision row is unique per
registration as a last guard. None of these functions commits: the caller does, once.
"""

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from stdnum.fr import siren as siren_number

from isc import accounts, audit, emails
from isc import registration as registrations
from isc.accounts import AccountError
from isc.companies import find_company, get_or_create_company
from isc.extensions import db
from isc.identity.checks import Outcome, review_checks
from isc.kbis.checks import names_match
from isc.kbis.extract import Dirigeant
from isc.kbis.vocabulary import is_legal_representative
from isc.models import (
    Agent,
    Company,
    CompanyStatus,
    IdentifierType,
    KbisDocument,
    Registration,
    RegistrationStatus,
    ReviewClaim,
    ReviewDecision,
    ReviewOutcome,
    Role,
    User,
    UserStatus,
)
from isc.models.types import utcnow
from isc.validation import InvalidField

PARIS = ZoneInfo("Europe/Paris")

# Refusal reasons offered to the agent; the sentence is what the applicant reads in the e-mail.
REFUSAL_REASONS: dict[str, str] = {
    "document_not_authentic": "La pièce d'identité présentée n'a pas pu être authentifiée.",
    "document_expired": "La pièce d'identité présentée n'est plus en cours de validité.",
    "face_mismatch": "Le visage filmé ne correspond pas à la photo de la pièce d'identité.",
    "names_inconsistent": (
        "Les nom et prénom indiqués dans le formulaire d'inscription ne correspondent pas à ceux "
        "de la pièce d'identité ou de l'extrait Kbis."
    ),
    "not_legal_representative": (
        "Vous ne figurez pas sur l'extrait Kbis comme représentant légal de l'entreprise "
        "(président, directeur général, gérant...)."
    ),
    "kbis_invalid": "L'extrait Kbis transmis n'est pas valide ou date de plus de 3 mois.",
    "company_already_registered": (
        "Votre entreprise est déjà inscrite : rapprochez-vous de son mandataire, qui peut vous "
        "ajouter comme collaborateur."
    ),
    "other": "Autre motif, précisé ci-dessous.",
}
REFUSAL_LABELS: dict[str, str] = {
    "document_not_authentic": "Pièce d'identité non authentique",
    "document_expired": "Pièce d'identité expirée",
    "face_mismatch": "Visage ne correspondant pas à la photo",
    "names_inconsistent": "Noms incohérents (formulaire, pièce d'identité, Kbis)",
    "not_legal_representative": "Pas représentant légal sur le Kbis",
    "kbis_invalid": "Kbis invalide ou trop ancien",
    "company_already_registered": "Entreprise déjà inscrite",
    "other": "Autre motif",
}
REASON_TEXT_MAX = 2000

# The guide's three checks (étape 8.1), ticked by the agent before an approval.
GUIDE_CHECKS: dict[str, str] = {
    "document": "Authenticité de la pièce d'identité transmise",
    "face": "Correspondance du visage avec la photo de la pièce d'identité",
    "names": "Cohérence des nom et prénom avec le formulaire d'inscription et le Kbis",
}


class ReviewError(Exception):
    """A review step was refused; the message is French and safe to show."""


class ReviewConflict(ReviewError):
    """Another agent holds or already decided the dossier."""


# --- Queue and figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    registration: Registration
    kbis: KbisDocument | None
    claim: ReviewClaim | None
    holder: str | None  # full name of the agent holding the dossier, if the hold is live
    decision: ReviewDecision | None

    @property
    def denomination(self) -> str:
        return ((self.kbis.extract or {}).get("denomination") or "") if self.kbis else ""


QUEUE_FILTERS = {
    "": "Tous",
    "overdue": "En retard",
    "free": "Non pris en charge",
    "mine": "Pris en charge par moi",
}


def target_delta() -> timedelta:
    return timedelta(hours=current_app.config["REVIEW_TARGET_HOURS"])


def review_queue(
    *, status: RegistrationStatus = RegistrationStatus.IN_REVIEW, search: str = "", only: str = "",
    agent: Agent | None = None, page: int = 0, page_size: int = 50, now: datetime | None = None,
) -> tuple[int, list[QueueRow]]:
    """A page of dossiers of `status` (in review: oldest submission first; decided: latest
    decision first) and how many there are. Three queries whatever the page: count, rows,
    nothing per row."""
    now = now or utcnow()
    live_claim = sa.and_(ReviewClaim.registration_id == Registration.id, ReviewClaim.expires_at > now)
    conditions = [Registration.status == status]
    term = " ".join((search or "").split())[:100]
    if term:
        digits = term.replace(" ", "")
        if digits.isdigit() and len(digits) == 9:
            conditions.append(Registration.id.in_(
                sa.select(KbisDocument.registration_id).where(KbisDocument.siren == digits)
            ))
        elif digits.isdigit():
            conditions.append(Registration.id == int(digits[:12]))
        else:
            pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            columns = ((Registration.email,) if "@" in term
                       else (Registration.last_name, Registration.first_name, Registration.username))
            conditions.append(sa.or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    if only == "overdue":
        conditions.append(Registration.submitted_at < now - target_delta())
    elif only == "free":
        conditions.append(~sa.exists().where(live_claim))
    elif only == "mine" and agent is not None:
        conditions.append(sa.exists().where(live_claim, ReviewClaim.agent_id == agent.id))
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Registration).where(*conditions))
    if status == RegistrationStatus.IN_REVIEW:
        order = (Registration.submitted_at.asc(), Registration.id.asc())
    else:
        order = (Registration.decided_at.desc(), Registration.id.desc())
    query = (
        sa.select(Registration, KbisDocument, ReviewClaim, Agent.full_name, ReviewDecision)
        .outerjoin(KbisDocument, KbisDocument.registration_id == Registration.id)
        .outerjoin(ReviewClaim, live_claim)
        .outerjoin(Agent, Agent.id == ReviewClaim.agent_id)
        .outerjoin(ReviewDecision, ReviewDecision.registration_id == Registration.id)
        .where(*conditions)
        .order_by(*order)
        .limit(page_size)
        .offset(page * page_size)
    )
    rows = [QueueRow(r, k, c, name, d) for r, k, c, name, d in db.session.execute(query)]
    return count, rows


@dataclass(frozen=True)
class ConsoleFigures:
    waiting: int
    overdue: int
    decided_today: int
    average_decision_seconds: int | None  # over the last 30 days


def figures(now: datetime | None = None) -> ConsoleFigures:
    """The console's home: dossiers waiting, overdue, decided today, average decision time."""
    now = now or utcnow()
    in_review = Registration.status == RegistrationStatus.IN_REVIEW
    waiting, overdue = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(Registration.submitted_at < now - target_delta()),
        ).select_from(Registration).where(in_review)
    ).one()
    midnight = datetime.combine(now.astimezone(PARIS).date(), datetime.min.time(), PARIS).astimezone(UTC)
    decided_today, average = db.session.execute(
        sa.select(
            sa.func.count().filter(ReviewDecision.decided_at >= midnight),
            sa.func.avg(ReviewDecision.waited_seconds),
        ).where(ReviewDecision.decided_at >= now - timedelta(days=30))
    ).one()
    return ConsoleFigures(waiting, overdue, decided_today, int(average) if average is not None else None)


# --- Automatic consistency checks ---------------------------------------------------------------


@dataclass(frozen=True)
class ConsistencyCheck:
    code: str
    label: str
    passed: bool | None  # None: could not be determined
    message: str


def _check(code: str, label: str, passed: bool | None, message: str) -> ConsistencyCheck:
    return ConsistencyCheck(code, label, passed, message)


def kbis_directors(kbis: KbisDocument | None) -> list[Dirigeant]:
    people = ((kbis.extract or {}).get("dirigeants") or []) if kbis else []
    return [
        Dirigeant(role=p.get("role") or "", last_name=p.get("last_name") or "",
                  first_names=p.get("first_names") or "")
        for p in people if isinstance(p, dict)
    ]


def consistency_checks(registration: Registration, today: date | None = None) -> list[ConsistencyCheck]:
    """What ISC can check by itself before the agent decides, each passed or failed with why."""
    today = today or utcnow().astimezone(PARIS).date()
    kbis, identity = registration.kbis, registration.identity_check
    declared = registration.full_name
    first, last = registration.first_name or "", registration.last_name or ""
    results = []

    # Names: declared vs the ID document, and declared vs a legal representative on the Kbis.
    label = "Nom et prénom déclarés / pièce d'identité"
    if identity is None or not (identity.last_name or identity.first_names):
        results.append(_check("names_id_document", label, None,
                              "Le partenaire n'a transmis aucun nom lu sur la pièce d'identité."))
    else:
        on_document = f"{identity.first_names or ''} {identity.last_name or ''}".strip()
        document = Dirigeant(role="", last_name=identity.last_name or "", first_names=identity.first_names or "")
        ok = names_match(first, last, document)
        results.append(_check("names_id_document", label, ok, (
            f"« {declared} » {'correspond' if ok else 'ne correspond pas'} à la pièce d'identité "
            f"(« {on_document} »)."
        )))
    label = "Nom et prénom déclarés / dirigeant du Kbis"
    directors = kbis_directors(kbis)
    if not directors:
        results.append(_check("names_kbis", label, None, "Aucun dirigeant n'a été lu sur l'extrait Kbis."))
    else:
        named = [d for d in directors if names_match(first, last, d)]
        representing = [d for d in named if is_legal_representative(d.role)]
        if representing:
            results.append(_check("names_kbis", label, True,
                                  f"« {declared} » figure sur le Kbis comme « {representing[0].role} »."))
        elif named:
            results.append(_check("names_kbis", label, False, (
                f"« {declared} » figure sur le Kbis comme « {named[0].role} », qui n'est pas une "
                "fonction de représentant légal."
            )))
        else:
            listed = " ; ".join(f"{d.last_name} {d.first_names} ({d.role})".strip() for d in directors[:6])
            results.append(_check("names_kbis", label, False,
                                  f"« {declared} » ne figure pas parmi les dirigeants du Kbis : {listed}."))

    # The Kbis: its age today (it may have aged since the upload) and its SIREN.
    label = "Ancienneté du Kbis"
    max_days = current_app.config["KBIS_MAX_AGE_DAYS"]
    extract_date = kbis.extract_date if kbis else None
    if extract_date is None:
        results.append(_check("kbis_age", label, None, "La date « à jour au » du Kbis n'a pas été lue."))
    else:
        days = (today - extract_date).days
        ok = 0 <= days <= max_days
        results.append(_check("kbis_age", label, ok, (
            f"Kbis à jour au {extract_date.strftime('%d/%m/%Y')}, soit il y a {days} jour{'s' if abs(days) > 1 else ''} "
            f"(limite : {max_days} jours)."
        )))
    label = "Validité du SIREN"
    siren = kbis.siren if kbis else None
    if not siren:
        results.append(_check("siren_valid", label, False, "Aucun SIREN n'a été lu sur le Kbis."))
    else:
        ok = siren_number.is_valid(siren)
        results.append(_check("siren_valid", label, ok, (
            f"Le SIREN {siren_number.format(siren) if siren.isdigit() and len(siren) == 9 else siren} "
            f"{'est valide' if ok else 'n a pas une clé valide'}."
        ).replace("n a", "n'a")))

    # The company: already registered in ISC?
    label = "Entreprise déjà inscrite"
    company = find_company(IdentifierType.SIREN, siren) if siren else None
    if company is None:
        results.append(_check("company_not_registered", label, True, "Aucune entreprise inscrite n'a ce SIREN."))
    else:
        mandataires = db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(
                User.company_id == company.id, User.role == Role.MANDATAIRE, User.status == UserStatus.ACTIVE
            )
        )
        results.append(_check("company_not_registered", label, False, (
            f"L'entreprise « {company.name} » est déjà inscrite ({mandataires} mandataire"
            f"{'s' if mandataires > 1 else ''} actif{'s' if mandataires > 1 else ''}) : une validation "
            "rattachera ce mandataire à l'entreprise existante."
        )))

    # The partner's verdict and the ID document's validity.
    label = "Verdict du partenaire"
    if identity is None:
        results.append(_check("partner_verdict", label, None, "Aucune vérification d'identité n'est enregistrée."))
    else:
        verdict = review_checks(_codes(identity.response_codes))
        codes = ", ".join(str(c.get("code")) for c in identity.response_codes or [] if isinstance(c, dict))
        ok = identity.partner_status == "approved" and verdict.approved and all(
            check.outcome == Outcome.PASSED for check in verdict
        )
        results.append(_check("partner_verdict", label, ok, (
            f"Statut « {identity.partner_status} », codes : {codes or 'aucun'}."
        )))
        label = "Validité de la pièce d'identité"
        if identity.document_expiry is None:
            results.append(_check("document_valid", label, None, "La date d'expiration n'a pas été transmise."))
        else:
            ok = identity.document_expiry >= today
            results.append(_check("document_valid", label, ok, (
                f"Pièce {'valable jusqu’au' if ok else 'expirée depuis le'} "
                f"{identity.document_expiry.strftime('%d/%m/%Y')}."
            )))
    return results


def _codes(response_codes: list | None) -> list[int]:
    codes = []
    for item in response_codes or []:
        try:
            codes.append(int(item.get("code") if isinstance(item, dict) else item))
        except (TypeError, ValueError):
            continue
    return codes


def partner_checks(registration: Registration):
    """The partner's response codes read as the guide's three checks (isc/identity/checks.py)."""
    identity = registration.identity_check
    return review_checks(_codes(identity.response_codes if identity else []))


# --- Hold on a dossier ----------------------------------------------------------------------------


def live_claim(registration: Registration, now: datetime | None = None) -> ReviewClaim | None:
    now = now or utcnow()
    claim = db.session.get(ReviewClaim, registration.id, populate_existing=True)
    return claim if claim is not None and claim.is_live(now) else None


def claim(registration: Registration, agent: Agent) -> ReviewClaim:
    """Take (or renew) the hold on a dossier for REVIEW_CLAIM_TTL seconds; `ReviewConflict`
    when another agent holds it."""
    if registration.status != RegistrationStatus.IN_REVIEW:
        raise ReviewConflict("Ce dossier n'est plus en attente de décision.")
    now = utcnow()
    expires = now + timedelta(seconds=current_app.config["REVIEW_CLAIM_TTL"])
    values = {"agent_id": agent.id, "claimed_at": now, "expires_at": expires}
    taken = db.session.execute(
        sa.update(ReviewClaim)
        .where(
            ReviewClaim.registration_id == registration.id,
            sa.or_(ReviewClaim.agent_id == agent.id, ReviewClaim.expires_at <= now),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        inserted = db.session.execute(
            _insert(ReviewClaim)
            .values(registration_id=registration.id, **values)
            .on_conflict_do_nothing(index_elements=["registration_id"])
            .returning(ReviewClaim.registration_id)
        ).scalar()
        taken = 1 if inserted is not None else 0
    if taken != 1:
        holder = live_claim(registration)
        who = holder.agent.full_name if holder else "un autre agent"
        until = holder.expires_at.astimezone(PARIS).strftime("%H:%M") if holder else ""
        raise ReviewConflict(f"Ce dossier est pris en charge par {who}" + (f" jusqu'à {until}." if until else "."))
    audit.record("review.claimed", actor=agent, target=registration)
    return db.session.get(ReviewClaim, registration.id, populate_existing=True)


def release(registration: Registration, agent: Agent) -> None:
    """Give a dossier back to the queue (only its holder can)."""
    released = db.session.execute(
        sa.delete(ReviewClaim).where(
            ReviewClaim.registration_id == registration.id, ReviewClaim.agent_id == agent.id
        ).execution_options(synchronize_session=False)
    ).rowcount
    if released:
        audit.record("review.released", actor=agent, target=registration)


def _insert(model):
    """INSERT ... ON CONFLICT for the database in use (PostgreSQL or SQLite)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


# --- Decisions ---------------------------------------------------------------------------------


def approve(registration: Registration, agent: Agent, *, checks: dict[str, bool]) -> ReviewDecision:
    """Validate a dossier: the company is created (or the existing one linked), the mandataire's
    account is created active and e-mailed the link to set their password."""
    missing = [label for key, label in GUIDE_CHECKS.items() if not checks.get(key)]
    if missing:
        raise ReviewError("Cochez les trois vérifications avant de valider : " + " ; ".join(missing) + ".")
    kbis = registration.kbis
    if kbis is None or not kbis.siren or not siren_number.is_valid(kbis.siren):
        raise ReviewError("Le Kbis de ce dossier ne donne pas de SIREN valide : l'entreprise ne peut pas être créée. "
                          "Refusez le dossier ou contactez le demandeur.")
    automatic = [asdict(check) for check in consistency_checks(registration)]
    _decide(registration, agent, registrations.approve)
    extract = kbis.extract or {}
    try:
        company, created = get_or_create_company(
            IdentifierType.SIREN, kbis.siren,
            name=(extract.get("denomination") or f"SIREN {kbis.siren}")[:255],
            address=extract.get("head_office_address") or "",
        )
        if company.status == CompanyStatus.PENDING:
            company.status = CompanyStatus.ACTIVE
        user = accounts.create_user(
            company=company, role=Role.MANDATAIRE, username=registration.username or "",
            email=registration.email or "", first_name=registration.first_name or "",
            last_name=registration.last_name or "", civility=registration.civility,
            phone=registration.phone or "",
        )
    except (AccountError, InvalidField) as error:
        raise ReviewError(f"Le compte ne peut pas être créé : {error}") from None
    accounts.send_setup_link(user)
    decision = _record(registration, agent, ReviewOutcome.APPROVED, checks=checks, automatic=automatic,
                       company=company, company_created=created, user=user)
    audit.record("review.approved", actor=agent, target=registration, company_id=company.id,
                 company_created=created, user_id=user.id)
    return decision


def refuse(registration: Registration, agent: Agent, *, reason: str, text: str = "") -> ReviewDecision:
    """Refuse a dossier with one of REFUSAL_REASONS and the agent's words, e-mailed to the applicant."""
    text = (text or "").strip()
    if reason not in REFUSAL_REASONS:
        raise ReviewError("Choisissez le motif du refus.")
    if reason == "other" and not text:
        raise ReviewError("Précisez le motif du refus : il sera envoyé au demandeur.")
    if len(text) > REASON_TEXT_MAX:
        raise ReviewError(f"Le commentaire ne peut pas dépasser {REASON_TEXT_MAX} caractères.")
    automatic = [asdict(check) for check in consistency_checks(registration)]
    _decide(registration, agent, registrations.refuse)
    decision = _record(registration, agent, ReviewOutcome.REFUSED, automatic=automatic,
                       reason_code=reason, reason_text=text)
    if registration.email:
        emails.send("registration_refused", registration.email, registration=registration,
                    reason=REFUSAL_REASONS[reason] if reason != "other" else "", comment=text)
    audit.record("review.refused", actor=agent, target=registration, reason=reason)
    return decision


def _decide(registration: Registration, agent: Agent, transition) -> None:
    """Hold the dossier, then move it out of in_review; both are conditional statements."""
    if agent.role.value not in ("reviewer", "administrator"):
        raise ReviewError("Votre rôle ne permet pas de décider.")
    claim(registration, agent)
    try:
        transition(registration)
    except registrations.IllegalTransition:
        raise ReviewConflict("Ce dossier a déjà fait l'objet d'une décision.") from None


def _record(registration: Registration, agent: Agent, outcome: ReviewOutcome, **values) -> ReviewDecision:
    company: Company | None = values.pop("company", None)
    user: User | None = values.pop("user", None)
    automatic = values.pop("automatic")
    ticked = values.pop("checks", None)
    now = utcnow()
    waited = int((now - registration.submitted_at).total_seconds()) if registration.submitted_at else 0
    decision = ReviewDecision(
        registration_id=registration.id, agent_id=agent.id, outcome=outcome, decided_at=now,
        automatic_checks=automatic, waited_seconds=max(waited, 0),
        company_id=company.id if company else None, user_id=user.id if user else None,
        checks={key: bool(ticked.get(key)) for key in GUIDE_CHECKS} if ticked is not None else {},
        **values,
    )
    db.session.add(decision)
    db.session.execute(sa.delete(ReviewClaim).where(ReviewClaim.registration_id == registration.id)
                       .execution_options(synchronize_session=False))
    db.session.flush()
    return decision


def decision_of(registration: Registration) -> ReviewDecision | None:
    return db.session.scalar(sa.select(ReviewDecision).where(ReviewDecision.registration_id == registration.id))
