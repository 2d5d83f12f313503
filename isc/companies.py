"""Companies: identifiers and look-ups."""

import sqlalchemy as sa
from stdnum.eu import vat
from stdnum.exceptions import ValidationError
from stdnum.fr import siren, siret

from isc.extensions import db
from isc.models import Company, CompanyStatus, IdentifierType
from isc.validation import InvalidField


def normalize_identifier(kind: IdentifierType, value: str) -> str:
    """The compact, validated form of a company identifier, or `InvalidField`."""
    raw = (value or "").strip()
    try:
        if kind == IdentifierType.SIREN:
            return siren.validate(raw)
        if kind == IdentifierType.SIRET:
            return siret.validate(raw)
        if kind == IdentifierType.EU_VAT:
            return vat.validate(raw)
    except ValidationError:
        raise InvalidField(_INVALID[kind]) from None
    compact = "".join(raw.split()).upper()
    if not 2 <= len(compact) <= 32 or not compact.isalnum():
        raise InvalidField(_INVALID[kind])
    return compact


_INVALID = {
    IdentifierType.SIREN: "Le SIREN n'est pas valide : il compte 9 chiffres (par exemple 842 915 308).",
    IdentifierType.SIRET: "Le SIRET n'est pas valide : il compte 14 chiffres (SIREN + 5 chiffres).",
    IdentifierType.EU_VAT: "Le numéro de TVA intracommunautaire n'est pas valide (par exemple FR71 842915308).",
    IdentifierType.FOREIGN: "L'identifiant n'est pas valide : de 2 à 32 lettres ou chiffres.",
}


def guess_identifier_type(value: str) -> IdentifierType:
    """SIREN for 9 digits, SIRET for 14, EU VAT when it starts with a country code."""
    compact = "".join((value or "").split())
    if compact.isdigit() and len(compact) == 9:
        return IdentifierType.SIREN
    if compact.isdigit() and len(compact) == 14:
        return IdentifierType.SIRET
    if compact[:2].isalpha():
        return IdentifierType.EU_VAT
    return IdentifierType.FOREIGN


def find_company(kind: IdentifierType, value: str) -> Company | None:
    return db.session.scalar(
        sa.select(Company).where(Company.identifier_type == kind, Company.identifier_value == value)
    )


def get_or_create_company(
    kind: IdentifierType, value: str, *, name: str, address: str = ""
) -> tuple[Company, bool]:
    """The company with this identifier, created (active) when absent; True when created."""
    identifier = normalize_identifier(kind, value)
    company = find_company(kind, identifier)
    if company is not None:
        return company, False
    company = Company(
        identifier_type=kind,
        identifier_value=identifier,
        name=name,
        head_office_address=address,
        status=CompanyStatus.ACTIVE,
    )
    db.session.add(company)
    db.session.flush()
    return company, True

