"""A company (entreprise) whose staff use ISC."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isc.extensions import db
from isc.models.types import UTCDateTime, enum_column, utcnow


class IdentifierType(enum.StrEnum):
    SIREN = "siren"
    SIRET = "siret"
    EU_VAT = "eu_vat"  # numéro de TVA intracommunautaire
    FOREIGN = "foreign"  # other foreign registry identifier

    @property
    def label(self) -> str:
        return {
            "siren": "SIREN",
            "siret": "SIRET",
            "eu_vat": "N° de TVA intracommunautaire",
            "foreign": "Identifiant étranger",
        }[self.value]


class CompanyStatus(enum.StrEnum):
    PENDING = "pending"  # its mandataire's registration awaits the ANS review
    ACTIVE = "active"
    SUSPENDED = "suspended"


class Company(db.Model):
    __tablename__ = "company"
    __table_args__ = (sa.UniqueConstraint("identifier_type", "identifier_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier_type: Mapped[IdentifierType] = mapped_column(enum_column(IdentifierType))
    # Compact form, without spaces: "842915308".
    identifier_value: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(255))  # raison sociale
    head_office_address: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[CompanyStatus] = mapped_column(
        enum_column(CompanyStatus), default=CompanyStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="company")  # noqa: F821

    def __repr__(self) -> str:
        return f"<Company {self.identifier_type.value}:{self.identifier_value}>"
