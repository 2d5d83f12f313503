"""Registration as représentant or salarié (guide: « Création de compte en tant que représentant
ou salarié »): « Votre entreprise » (Chercher), « Informations personnelles », « Validation ».

The journey keeps what it needs in the browser's (signed) session: the role and the id of the
company found by « Chercher » (`SESSION_KEY`), then the id of the demande sent (`SENT_KEY`).
A company id never comes from a form.
"""

from flask import Blueprint, current_app, flash, g, redirect, render_template, session, url_for
from flask_login import current_user
from stdnum.fr import siren, siret

from isc import membership
from isc.extensions import db, limiter
from isc.membership import MembershipError
from isc.models import Company, CompanyStatus, Demande, DemandeKind, IdentifierType, Role, User
from isc.portal.forms import show_error
from isc.portal.joining_forms import IDENTIFIER_TYPE_LABELS, ApplicantForm, CompanySearchForm
from isc.portal.pages import CGU_VERSION

blueprint = Blueprint("joining", __name__, url_prefix="/inscription")

# Any other role: 404 (the mandataire has a journey of its own).
_ROLE = "<any(representant, salarie):role>"
# The company « Chercher » found: {"role", "company_id", "identifier_type", "identifier"}.
SESSION_KEY = "joining"
# The demande sent, for the « Validation » page: {"role", "demande_id"}.
SENT_KEY = "joining_sent"
SEARCH_FIRST = "Recherchez d'abord votre entreprise à partir de son identifiant."


@blueprint.before_request
def _signed_in_users_have_an_account():
    """A signed-in user already has an account: back to the dashboard."""
    if isinstance(current_user._get_current_object(), User):
        return redirect(url_for("home.dashboard"))
    return None


def _demande_examined(_response) -> bool:
    """Only the submissions the service examined count against the address's limit: a demande
    sent, or refused for a name or an address already in use (which a robot could probe)."""
    return g.get("demande_examined", False)


@blueprint.route(f"/{_ROLE}", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["COMPANY_SEARCH_LIMIT_PER_IP"], methods=["POST"],
               scope="company-search-ip")
def company(role: str):
    """Étape 2 : Votre entreprise — « Chercher » the company by its national identifier."""
    role = Role(role)
    form = CompanySearchForm()
    found = _chosen_company(role)
    if not form.is_submitted():
        if found is not None:
            chosen = session[SESSION_KEY]
            form.identifier_type.data = chosen.get("identifier_type")
            form.identifier.data = chosen.get("identifier")
        return _company_page(role, form, found)
    session.pop(SESSION_KEY, None)  # a new search forgets the former result
    if not form.validate():
        return _company_page(role, form, None), 422
    kind = IdentifierType(form.identifier_type.data)
    try:
        found = membership.find_registered_company(kind, form.identifier.data)
    except MembershipError as error:
        form.identifier.errors.append(str(error))
        return _company_page(role, form, None), 422
    if found is None:
        return _company_page(role, form, None, not_found=True)
    session[SESSION_KEY] = {
        "role": role.value,
        "company_id": found.id,
        "identifier_type": kind.value,
        "identifier": form.identifier.data.strip(),
    }
    return redirect(url_for("joining.company", role=role.value), 303)


def _company_page(role: Role, form: CompanySearchForm, found: Company | None,
                  not_found: bool = False):
    return render_template(
        "portal/joining/company.html", role=role, form=form, company=found, not_found=not_found,
        identifier_label=IDENTIFIER_TYPE_LABELS.get(found.identifier_type) if found else None,
        identifier=shown_identifier(found) if found else None,
        searched_label=IDENTIFIER_TYPE_LABELS.get(form.identifier_type.data, ""),
    )


@blueprint.route(f"/{_ROLE}/informations", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["DEMANDE_REGISTRATION_LIMIT_PER_IP"], methods=["POST"],
               deduct_when=_demande_examined, scope="demande-registration-ip")
def personal(role: str):
    """Étape 3 : Informations personnelles, then « Envoyer ma demande d'inscription »."""
    role = Role(role)
    found = _chosen_company(role)
    if found is None:
        flash(SEARCH_FIRST, "warning")
        return redirect(url_for("joining.company", role=role.value), 303)
    form = ApplicantForm()
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            g.demande_examined = True
            try:
                demande = membership.request_registration(found, role, form.values(), CGU_VERSION)
            except MembershipError as error:
                db.session.rollback()
                show_error(form, str(error), error.field)
            else:
                db.session.commit()
                session.pop(SESSION_KEY, None)  # « back », then send again: search first
                session[SENT_KEY] = {"role": role.value, "demande_id": demande.id}
                return redirect(url_for("joining.sent", role=role.value), 303)
    page = render_template("portal/joining/personal.html", role=role, form=form, company=found)
    return page, status


@blueprint.route(f"/{_ROLE}/validation")
def sent(role: str):
    """Étape 4 : Validation — the demande was sent; reloading the page sends nothing."""
    role = Role(role)
    demande = _sent_demande(role)
    if demande is None:
        flash(SEARCH_FIRST, "warning")
        return redirect(url_for("joining.company", role=role.value), 303)
    return render_template("portal/joining/sent.html", role=role, demande=demande,
                           company=demande.company, applicant=demande.user)


def _chosen_company(role: Role) -> Company | None:
    """The active company « Chercher » found in this browser for this role, if any."""
    return _remembered(SESSION_KEY, "company_id", Company, role,
                       lambda found: found.status == CompanyStatus.ACTIVE)


def _sent_demande(role: Role) -> Demande | None:
    """The registration demande this browser sent for this role, if any."""
    return _remembered(SENT_KEY, "demande_id", Demande, role,
                       lambda demande: demande.kind == DemandeKind.REGISTRATION)


def _remembered(key: str, id_key: str, model, role: Role, usable):
    """The row whose id the session keeps under `key` (a dict with the role and `id_key`) for
    this role, if it exists and is `usable`; one that is not is forgotten."""
    kept = session.get(key)
    if not isinstance(kept, dict) or kept.get("role") != role.value:
        return None
    row_id = kept.get(id_key)
    row = db.session.get(model, row_id) if isinstance(row_id, int) else None
    if row is None or not usable(row):
        session.pop(key, None)
        return None
    return row


def shown_identifier(found: Company) -> str:
    """The company's identifier as people read it: "842 915 308"."""
    value = found.identifier_value
    if found.identifier_type == IdentifierType.SIREN:
        return siren.format(value)
    if found.identifier_type == IdentifierType.SIRET:
        return siret.format(value)
    return value
