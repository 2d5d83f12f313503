"""Requests from mandataires to change their company's details, decided by ANS agents.

The guide: "Les utilisateurs mandataires peuvent adresser une demande de modification des
informations de l'entreprise qui sera analysée et traitée par les équipes ANS." A request keeps
the values asked for and the company's values at the time (the agent sees the difference); the
decision is taken once (conditional UPDATE) and e-mailed to the requester. None of these
functions commits.
"""

import sqlalchemy as sa

from isc import audit, emails
from isc.extensions import db
from isc.models import Agent, ChangeStatus, Company, CompanyChangeRequest, Role, User, UserStatus
from isc.models.types import utcnow
from isc.validation import has_control_characters

# The company details a mandataire may ask to change, with their French labels.
CHANGEABLE_FIELDS: dict[str, str] = {
    "name": "Raison sociale",
    "head_office_address": "Adresse du siège",
}
FIELD_MAX = {"name": 255, "head_office_address": 500}
COMMENT_MAX = 2000


class ChangeRequestError(Exception):
    """A change request or its decision was refused; the message is French and safe to show."""


def request_company_change(user: User, values: dict, comment: str) -> CompanyChangeRequest:
    """A mandataire asks ANS to change their company's details (`values`: field → new value)."""
    if user.role != Role.MANDATAIRE or user.status != UserStatus.ACTIVE:
        raise ChangeRequestError("Seul un mandataire peut demander la modification des informations de l'entreprise.")
    company = user.company
    unknown = set(values) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise ChangeRequestError("Ces informations ne peuvent pas être modifiées : " + ", ".join(sorted(unknown)) + ".")
    requested, previous = {}, {}
    for field, raw in values.items():
        value = " ".join(str(raw or "").split())
        if not value:
            raise ChangeRequestError(f"{CHANGEABLE_FIELDS[field]} : la nouvelle valeur est obligatoire.")
        if has_control_characters(value):
            raise ChangeRequestError(f"{CHANGEABLE_FIELDS[field]} : ce texte contient des caractères non autorisés.")
        if len(value) > FIELD_MAX[field]:
            raise ChangeRequestError(f"{CHANGEABLE_FIELDS[field]} : {FIELD_MAX[field]} caractères au plus.")
        current = getattr(company, field) or ""
        if value != current:
            requested[field], previous[field] = value, current
    if not requested:
        raise ChangeRequestError("La demande ne modifie aucune information de l'entreprise.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ChangeRequestError(f"Le commentaire ne peut pas dépasser {COMMENT_MAX} caractères.")
    if has_control_characters(comment):
        raise ChangeRequestError("Le commentaire contient des caractères non autorisés.")
    if pending_change(company) is not None:
        raise ChangeRequestError("Une demande de modification de l'entreprise est déjà en cours de traitement.")
    change = CompanyChangeRequest(company_id=company.id, requester_id=user.id, requested=requested,
                                  previous=previous, comment=comment)
    db.session.add(change)
    db.session.flush()
    audit.record("company_change.requested", actor=user, target=change, fields=sorted(requested))
    return change


def pending_change(company: Company) -> CompanyChangeRequest | None:
    """The company's change request still waiting for ANS, if any."""
    return db.session.scalar(
        sa.select(CompanyChangeRequest)
        .where(CompanyChangeRequest.company_id == company.id, CompanyChangeRequest.status == ChangeStatus.PENDING)
        .order_by(CompanyChangeRequest.id.desc()).limit(1)
    )


def differences(change: CompanyChangeRequest) -> list[tuple[str, str, str, str]]:
    """(label, value when requested, value now, value requested) for each requested field."""
    return [
        (CHANGEABLE_FIELDS.get(field, field), change.previous.get(field, ""),
         getattr(change.company, field, "") or "", value)
        for field, value in change.requested.items()
    ]


def approve_change(change: CompanyChangeRequest, agent: Agent) -> None:
    """Apply the requested values to the company and tell the requester."""
    _decide(change, agent, ChangeStatus.APPROVED, "")
    company = change.company
    for field, value in change.requested.items():
        if field in CHANGEABLE_FIELDS:
            setattr(company, field, value)
    audit.record("company_change.approved", actor=agent, target=change, company_id=company.id,
                 fields=sorted(change.requested))
    emails.send("company_change_approved", change.requester.email, change=change,
                user=change.requester, rows=_rows(change))


def refuse_change(change: CompanyChangeRequest, agent: Agent, comment: str) -> None:
    """Refuse the request; the agent's explanation is e-mailed to the requester."""
    comment = (comment or "").strip()
    if not comment:
        raise ChangeRequestError("Expliquez le refus : le demandeur le recevra par e-mail.")
    if len(comment) > COMMENT_MAX:
        raise ChangeRequestError(f"Le commentaire ne peut pas dépasser {COMMENT_MAX} caractères.")
    if has_control_characters(comment):
        raise ChangeRequestError("Le commentaire contient des caractères non autorisés.")
    _decide(change, agent, ChangeStatus.REFUSED, comment)
    audit.record("company_change.refused", actor=agent, target=change, company_id=change.company_id)
    emails.send("company_change_refused", change.requester.email, change=change,
                user=change.requester, rows=_rows(change), comment=comment)


def _rows(change: CompanyChangeRequest) -> list[tuple[str, str]]:
    return [(CHANGEABLE_FIELDS.get(field, field), value) for field, value in change.requested.items()]


def _decide(change: CompanyChangeRequest, agent: Agent, status: ChangeStatus, comment: str) -> None:
    if agent.role.value not in ("reviewer", "administrator"):
        raise ChangeRequestError("Votre rôle ne permet pas de décider.")
    moved = db.session.execute(
        sa.update(CompanyChangeRequest)
        .where(CompanyChangeRequest.id == change.id, CompanyChangeRequest.status == ChangeStatus.PENDING)
        .values(status=status, decided_at=utcnow(), decided_by_id=agent.id, decision_comment=comment)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if moved != 1:
        raise ChangeRequestError("Cette demande a déjà été traitée.")
