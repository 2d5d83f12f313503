"""Représentants and salariés join their company, and everyone's personal details change,
through demandes decided by the company (or by ANS, for a mandataire).

A demande moves once, from pending to approved, refused or cancelled, by a conditional UPDATE:
of two people deciding at the same moment exactly one wins, the other is told it is done.

    request_registration ─▶ pending ──approve──▶ approved (account active, set-password e-mail)
    request_modification ─▶    │    ──refuse───▶ refused  (reason e-mailed; applicant erased)
                               └──── cancel ───▶ cancelled (account deleted, or expired)

Who decides is the rights matrix's business (isc/permissions.py). None of these functions
commits.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from isc import accounts, audit, emails, personal_details
from isc.companies import normalize_identifier
from isc.extensions import db
from isc.jobs import job
from isc.models import (
    Agent,
    Company,
    CompanyStatus,
    Demande,
    DemandeKind,
    DemandeStatus,
    IdentifierType,
    Role,
    User,
    UserStatus,
)
from isc.models.types import utcnow
from isc.permissions import Right, deciders_of, has_right, may, roles_for
from isc.validation import InvalidField, has_control_characters

APPLICANT_FIELDS = ("username", "civility", "first_name", "last_name", "email", "direct_phone", "phone")
JOINING_ROLES = (Role.REPRESENTANT, Role.SALARIE)
TEXT_MAX = 2000
_ID_MAX = 2**31 - 1  # demande ids are INTEGER: a guessed larger id is simply not found
ALREADY_DECIDED = "Cette demande a déjà été traitée, peut-être par une autre personne de votre entreprise."


class MembershipError(Exception):
    """A demande or its decision was refused; the message is French and safe to show."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- Finding one's company -----------------------------------------------------------------------


def find_registered_company(kind: IdentifierType, value: str) -> Company | None:
    """The active company this identifier designates, if it is registered.

    A SIRET finds its SIREN's company and a French VAT number its SIREN's: the company is
    registered once, under the identifier of its Kbis. `MembershipError` for a malformed value.
    """
    try:
        identifier = normalize_identifier(kind, value)
    except InvalidField as error:
        raise MembershipError(str(error), field="identifier") from None
    candidates = [(kind, identifier)]
    siren = _siren_in(kind, identifier)
    if siren is not None:
        candidates += [(IdentifierType.SIREN, siren), (IdentifierType.EU_VAT, _french_vat(siren))]
    matches = db.session.scalars(
        sa.select(Company).where(
            Company.status == CompanyStatus.ACTIVE,
            sa.or_(*(sa.and_(Company.identifier_type == k, Company.identifier_value == v) for k, v in candidates)),
        )
    ).all()
    return matches[0] if matches else None


def _siren_in(kind: IdentifierType, identifier: str) -> str | None:
    if kind == IdentifierType.SIRET:
        return identifier[:9]
    if kind == IdentifierType.EU_VAT and identifier.startswith("FR") and identifier[4:].isdigit():
        return identifier[4:]
    return identifier if kind == IdentifierType.SIREN else None


def _french_vat(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


# --- Asking --------------------------------------------------------------------------------------


def request_registration(company: Company, role: Role | str, values: dict, cgu_version: str) -> Demande:
    """"Envoyer ma demande d'inscription": a pending account and its demande, e-mailed to those
    who decide it and acknowledged to the applicant."""
    if role not in {r.value for r in JOINING_ROLES}:
        raise MembershipError("Ce rôle ne s'inscrit pas par une demande à l'entreprise.")
    role = Role(role)
    if company.status != CompanyStatus.ACTIVE:
        raise MembershipError("Cette entreprise n'accepte pas d'inscription pour le moment.")
    try:
        fields = personal_details.clean(values, APPLICANT_FIELDS)
        personal_details.check_available(fields["username"], fields["email"])
    except personal_details.FieldError as error:
        raise MembershipError(str(error), field=error.field) from None
    if _pending_registrations(company) >= current_app.config["DEMANDES_MAX_PENDING_PER_COMPANY"]:
        raise MembershipError(
            "Votre entreprise a trop de demandes d'inscription en attente : demandez à votre "
            "mandataire de les traiter, puis réessayez."
        )
    user = User(company_id=company.id, role=role, status=UserStatus.PENDING, **fields)
    try:
        with db.session.begin_nested():  # a concurrent applicant may take the name meanwhile
            db.session.add(user)
            db.session.flush()
    except IntegrityError:
        raise MembershipError(personal_details.USERNAME_TAKEN, field="username") from None
    demande = Demande(company_id=company.id, user_id=user.id, kind=DemandeKind.REGISTRATION)
    db.session.add(demande)
    db.session.flush()
    audit.record("demande.registration_requested", actor=user, target=demande, role=role.value,
                 company_id=company.id, cgu_version=cgu_version)
    emails.send("demande_registration_received", user.email, user=user, company=company)
    _notify_deciders(demande)
    return demande


def request_modification(user: User, values: dict, comment: str) -> Demande:
    """"Edit" on "Votre compte": the person asks to change their personal details; the
    company's deciders (ANS for a mandataire) validate it like a registration."""
    if not has_right(user, Right.REQUEST_OWN_CHANGE):
        raise MembershipError("Vos droits ne vous permettent pas de faire cette action.")
    unknown = set(values) - set(personal_details.LABELS)
    if unknown:
        raise MembershipError("Ces informations ne peuvent pas être modifiées.")
    try:
        wanted = personal_details.clean(values, tuple(values))
    except personal_details.FieldError as error:
        raise MembershipError(str(error), field=error.field) from None
    requested = {field: personal_details.stored(value) for field, value in wanted.items() if personal_details.stored(getattr(user, field)) != personal_details.stored(value)}
    if not requested:
        raise MembershipError("Votre demande ne modifie aucune information : changez au moins une valeur.")
    _check_email_available(requested.get("email"), user)
    comment = _text(comment, "comment", required=False)
    if pending_modification(user) is not None:
        raise MembershipError("Une demande de modification de vos informations est déjà en cours de traitement.")
    demande = Demande(
        company_id=user.company_id, user_id=user.id, kind=DemandeKind.MODIFICATION, requested=requested,
        previous={field: personal_details.stored(getattr(user, field)) for field in requested}, comment=comment,
    )
    db.session.add(demande)
    db.session.flush()
    audit.record("demande.modification_requested", actor=user, target=demande, fields=sorted(requested))
    _notify_deciders(demande)
    return demande


def pending_modification(user: User) -> Demande | None:
    """The person's modification demande still waiting for a decision, if any."""
    return db.session.scalar(sa.select(Demande).where(
        Demande.user_id == user.id, Demande.kind == DemandeKind.MODIFICATION, Demande.status == DemandeStatus.PENDING,
    ).order_by(Demande.id.desc()).limit(1))


def _text(value: str, field: str, *, required: bool) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise MembershipError("Valeur invalide.", field=field)
    if required and not text:
        raise MembershipError("Expliquez la raison du refus : la personne la recevra par e-mail.", field=field)
    if len(text) > TEXT_MAX:
        raise MembershipError(f"{TEXT_MAX} caractères au plus.", field=field)
    if has_control_characters(text):
        raise MembershipError("Ce texte contient des caractères non autorisés.", field=field)
    return text


def _check_email_available(email: str | None, user: User) -> None:
    try:
        personal_details.check_available(email=email, except_user_id=user.id)
    except personal_details.FieldError as error:
        raise MembershipError(str(error), field="email") from None


def _pending_registrations(company: Company) -> int:
    return db.session.scalar(sa.select(sa.func.count(Demande.id)).where(
        Demande.company_id == company.id, Demande.kind == DemandeKind.REGISTRATION,
        Demande.status == DemandeStatus.PENDING,
    ))


def deciders(company_id: int, role: Role) -> list[User]:
    """The active people of the company who decide the demandes of a person of `role`."""
    roles = deciders_of(role)
    if not roles:
        return []
    return list(db.session.scalars(sa.select(User).where(
        User.company_id == company_id, User.status == UserStatus.ACTIVE, User.role.in_(roles),
    ).order_by(User.id)))


def _notify_deciders(demande: Demande) -> None:
    # Built without a request: demandes are also made by commands (the demo data).
    path = current_app.url_map.bind("").build("demandes.detail", {"demande_id": demande.id})
    url = current_app.config["BASE_URL"] + path
    for decider in deciders(demande.company_id, demande.user.role):
        emails.send("demande_to_process", decider.email, decider=decider, demande=demande,
                    applicant=demande.user, url=url)


# --- Deciding ------------------------------------------------------------------------------------


def to_process(user: User):
    """The query of the pending demandes `user` decides, newest first."""
    return (
        sa.select(Demande)
        .join(User, User.id == Demande.user_id)
        .where(
            Demande.company_id == user.company_id,
            Demande.status == DemandeStatus.PENDING,
            User.role.in_(roles_for(user, Right.PROCESS_DEMANDES)),
            User.id != user.id,
        )
        .order_by(Demande.created_at.desc(), Demande.id.desc())
    )


def page_to_process(user: User, kind: DemandeKind | None = None, *, offset: int = 0,
                    limit: int = 20) -> list[Demande]:
    """The pending demandes `user` decides (of `kind`, or both), newest first, with their
    applicants loaded in the same query."""
    query = to_process(user).options(contains_eager(Demande.user))
    if kind is not None:
        query = query.where(Demande.kind == kind)
    return list(db.session.scalars(query.offset(offset).limit(limit)))


def counts_to_process(user: User) -> dict[DemandeKind, int]:
    """How many demandes of each kind `user` has to process."""
    query = to_process(user).order_by(None).with_only_columns(Demande.kind, sa.func.count()).group_by(Demande.kind)
    counts = dict.fromkeys(DemandeKind, 0)
    counts.update(dict(db.session.execute(query).all()))
    return counts


def find_for(user: User, demande_id: int) -> Demande | None:
    """The demande, if `user` may see and decide it (pending or not); None otherwise.

    A decided demande stays visible to those who decide such demandes, even once a refused
    applicant is erased: the one who lost a race to decide it is shown what happened.
    """
    if not isinstance(demande_id, int) or not 0 < demande_id <= _ID_MAX:
        return None
    demande = db.session.get(Demande, demande_id)
    if demande is None or demande.company_id != user.company_id:
        return None
    applicant = demande.user
    if demande.status == DemandeStatus.PENDING:
        return demande if may(user, Right.PROCESS_DEMANDES, applicant) else None
    if _decided_by(demande, user):
        return demande
    decides_role = applicant.role in roles_for(user, Right.PROCESS_DEMANDES)
    return demande if decides_role and applicant.id != user.id else None


def _decided_by(demande: Demande, user: User) -> bool:
    return demande.decided_by_id == user.id


def differences(demande: Demande) -> list[tuple[str, str, str]]:
    """(label, value now, value requested) of each field a modification asks to change."""
    return [personal_details.change_row(field, getattr(demande.user, field, ""), value)
            for field, value in demande.requested.items()]


def approve(demande: Demande, actor: User | Agent) -> None:
    """Validate the demande: the account is activated (set-password e-mail) or the requested
    values are applied (e-mailed to the person)."""
    _check_decider(demande, actor)
    user = demande.user
    if demande.kind == DemandeKind.MODIFICATION:
        _check_email_available(demande.requested.get("email"), user)
    _move(demande, actor, DemandeStatus.APPROVED, "")
    if demande.kind == DemandeKind.REGISTRATION:
        user.status = UserStatus.ACTIVE
        audit.record("demande.registration_approved", actor=actor, target=demande, user_id=user.id)
        accounts.send_setup_link(user)
        return
    former_email = user.email
    try:
        with db.session.begin_nested():  # the e-mail may be taken at this very moment
            for field, value in demande.requested.items():
                setattr(user, field, value)
            if user.email != former_email:
                user.email_verified_at = None  # proven again by the next e-mailed link
            db.session.flush()
    except IntegrityError:
        raise MembershipError(personal_details.EMAIL_TAKEN_BY_OTHER, field="email") from None
    audit.record("demande.modification_approved", actor=actor, target=demande, fields=sorted(demande.requested))
    emails.send("demande_modification_approved", user.email, user=user, rows=differences_at_decision(demande))
    if former_email != user.email:
        emails.send("email_changed", former_email, user=user, new_email=user.email)


def refuse(demande: Demande, actor: User | Agent, reason: str) -> None:
    """Refuse the demande; the reason is e-mailed. A refused applicant's data is erased."""
    _check_decider(demande, actor)
    reason = _text(reason, "reason", required=True)
    _move(demande, actor, DemandeStatus.REFUSED, reason)
    user = demande.user
    if demande.kind == DemandeKind.REGISTRATION:
        audit.record("demande.registration_refused", actor=actor, target=demande, user_id=user.id)
        emails.send("demande_registration_refused", user.email, user=user, company=demande.company, reason=reason)
        accounts.erase_personal_data(user)
        return
    audit.record("demande.modification_refused", actor=actor, target=demande)
    emails.send("demande_modification_refused", user.email, user=user, rows=differences_at_decision(demande),
                reason=reason)


def differences_at_decision(demande: Demande) -> list[tuple[str, str, str]]:
    """(label, value before, value requested), as the decision e-mails list them."""
    return [personal_details.change_row(field, demande.previous.get(field, ""), value)
            for field, value in demande.requested.items()]


def _check_decider(demande: Demande, actor: User | Agent) -> None:
    if demande.status != DemandeStatus.PENDING:
        # Said first: a refused applicant is erased, and "no right" would hide what happened.
        raise MembershipError(ALREADY_DECIDED)
    if isinstance(actor, Agent):
        allowed = (actor.active and actor.role.value in ("reviewer", "administrator")
                   and demande.user.role == Role.MANDATAIRE)
    else:
        allowed = may(actor, Right.PROCESS_DEMANDES, demande.user)
    if not allowed:
        raise MembershipError("Vos droits ne vous permettent pas de traiter cette demande.")


def _move(demande: Demande, actor: User | Agent | None, status: DemandeStatus, comment: str) -> None:
    """The one transition out of pending; `MembershipError` when someone else got there first."""
    values = {"status": status, "decided_at": utcnow(), "decision_comment": comment}
    if isinstance(actor, Agent):
        values["decided_by_agent_id"] = actor.id
    elif actor is not None:
        values["decided_by_id"] = actor.id
    moved = db.session.execute(
        sa.update(Demande)
        .where(Demande.id == demande.id, Demande.status == DemandeStatus.PENDING)
        .values(**values)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if moved != 1:
        db.session.refresh(demande)
        raise MembershipError(ALREADY_DECIDED)


# --- Ending ---------------------------------------------------------------------------------------


def cancel_demandes_of(user: User, reason: str) -> int:
    """Cancel the person's pending demandes (their account is being deleted)."""
    cancelled = db.session.execute(
        sa.update(Demande)
        .where(Demande.user_id == user.id, Demande.status == DemandeStatus.PENDING)
        .values(status=DemandeStatus.CANCELLED, decided_at=utcnow(), decision_comment=reason)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    return cancelled


@job
def expire_stale_demandes() -> int:
    """Cancel demandes nobody decided within DEMANDES_TTL; applicants are told and erased."""
    limit = utcnow() - timedelta(seconds=current_app.config["DEMANDES_TTL"])
    stale = db.session.scalars(sa.select(Demande).where(
        Demande.status == DemandeStatus.PENDING, Demande.created_at < limit,
    ).limit(500)).all()
    for demande in stale:
        try:
            _move(demande, None, DemandeStatus.CANCELLED, "expired")
        except MembershipError:
            continue  # decided meanwhile
        user = demande.user
        audit.record("demande.expired", target=demande, user_id=user.id)
        if demande.kind == DemandeKind.REGISTRATION:
            emails.send("demande_registration_expired", user.email, user=user, company=demande.company)
            accounts.erase_personal_data(user)
    db.session.commit()
    return len(stale)
