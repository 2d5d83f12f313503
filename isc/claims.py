"""What ISC says about a person to a service: the claims of each scope, `acr` and `amr`.

- `sub`: the account's public id, stable and opaque (never the database id or the login);
- `profile`: name, given_name, family_name, preferred_username (the ISC login), gender (from
  the civility);
- `email`, `phone`: the address and number the account holds;
- `address`: the postal address of the company's head office (ISC holds no home address);
- `isc`: the company (identifier type and value, name, head-office address) and the person's
  role in it.

`acr` tells how the person's link to the company was established: a mandataire's identity and
authority were checked by ANS (`ACR_ANS_VERIFIED`); a représentant or salarié was validated by
their company (`ACR_COMPANY_VALIDATED`). `amr` is `["pwd"]`: ISC signs people in by password.
"""

from isc.models import Civility, Role, User

ACR_ANS_VERIFIED = "urn:isc:acr:ans-verified"
ACR_COMPANY_VALIDATED = "urn:isc:acr:company-validated"
ACR_VALUES = (ACR_ANS_VERIFIED, ACR_COMPANY_VALIDATED)
AMR_PASSWORD = ["pwd"]

# The claims each scope releases, as listed in the discovery document.
SCOPE_CLAIMS = {
    "openid": ("sub",),
    "profile": ("name", "given_name", "family_name", "preferred_username", "gender"),
    "email": ("email", "email_verified"),
    "phone": ("phone_number", "phone_number_verified"),
    "address": ("address",),
    "isc": ("isc_role", "isc_company"),
}
CLAIMS_SUPPORTED = sorted(
    {claim for claims in SCOPE_CLAIMS.values() for claim in claims}
    | {"iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "at_hash", "sid"}
)
# French wording of each scope on the consent screen and in "Vos services autorisés".
SCOPE_LABELS = {
    "openid": "Votre identifiant ISC (propre à votre compte, sans donnée personnelle)",
    "profile": "Vos nom, prénom, civilité et nom d'utilisateur",
    "email": "Votre adresse e-mail",
    "phone": "Votre numéro de téléphone",
    "address": "L'adresse du siège de votre entreprise",
    "isc": "Votre entreprise (raison sociale, identifiant, adresse) et votre rôle "
    "(mandataire, représentant ou salarié)",
}


def subject(user: User) -> str:
    return user.public_id


def acr_for(user: User) -> str:
    return ACR_ANS_VERIFIED if user.role == Role.MANDATAIRE else ACR_COMPANY_VALIDATED


def scope_of_claim(claim: str) -> str | None:
    """The scope that releases `claim`, if any."""
    for scope, claims in SCOPE_CLAIMS.items():
        if claim in claims:
            return scope
    return None


def scopes_for_claims(requested: dict | None, allowed: list[str]) -> set[str]:
    """The scopes a "claims" request parameter asks for in effect, among `allowed`.

    `requested` is the parsed parameter: {"userinfo": {...}, "id_token": {...}}."""
    scopes = set()
    for member in ("userinfo", "id_token"):
        for claim in (requested or {}).get(member) or {}:
            scope = scope_of_claim(claim)
            if scope and scope in allowed:
                scopes.add(scope)
    return scopes


def claims_for(user: User, scopes: list[str] | set[str]) -> dict:
    """The claims of `user` released by `scopes` (always including `sub`)."""
    values = {"sub": subject(user)}
    company = user.company
    if "profile" in scopes:
        values.update(
            name=user.full_name,
            given_name=user.first_name,
            family_name=user.last_name,
            preferred_username=user.username,
            gender="female" if user.civility == Civility.MADAME else "male",
        )
    if "email" in scopes:
        # Proven when its owner followed a password link e-mailed to it, and since unchanged.
        values.update(email=user.email, email_verified=user.email_verified_at is not None)
    phone = user.direct_phone or user.phone  # the guide's "N° de téléphone direct" first
    if "phone" in scopes and phone:
        values.update(phone_number=phone, phone_number_verified=False)
    if "address" in scopes and company.head_office_address:
        values["address"] = {"formatted": company.head_office_address}
    if "isc" in scopes:
        values["isc_role"] = user.role.value
        values["isc_company"] = {
            "identifier_type": company.identifier_type.value,
            "identifier": company.identifier_value,
            "name": company.name,
            "address": company.head_office_address,
        }
    return values
