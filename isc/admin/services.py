"""Services (the OpenID Connect clients): list and details for every agent; administrators
register a service, edit its settings and who may use it, change how it authenticates, rotate
its secret (shown once, never stored in clear) and open or close it, through the service
functions of isc/services.py (which validate and audit)."""

import json

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from isc.forms import Form
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from isc import services
from isc.admin.access import ADMIN_ROLES, SecureModelView, may, require
from isc.extensions import db
from isc.models import ClientAuthMethod, Role, Service
from isc.models.oidc import ALL_SCOPES

ACCESS_ALL, ACCESS_LISTED = "all", "listed"


class CheckboxesField(SelectMultipleField):
    """Several choices, one checkbox each."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ServiceForm(Form):
    """A service's settings: the same form registers a service and edits one."""

    name = StringField("Nom du service", validators=[
        DataRequired("Le nom est obligatoire."), Length(max=120, message="120 caractères au plus.")])
    description = TextAreaField("Description", validators=[Length(max=2000, message="2 000 caractères au plus.")])
    home_url = StringField("Adresse du service")
    logo_url = StringField("Adresse du logo")
    initiate_login_uri = StringField("Adresse de connexion initiée par ISC (initiate_login_uri)",
                                     description="Où « Accéder » envoie la personne pour commencer la connexion.")
    redirect_uris = TextAreaField("Adresses de retour autorisées (une par ligne)",
                                  validators=[DataRequired("Au moins une adresse de retour est obligatoire.")],
                                  description="Comparées à l'identique ; https, ou http sur la boucle locale.")
    post_logout_redirect_uris = TextAreaField("Adresses de retour après déconnexion (une par ligne)")
    backchannel_logout_uri = StringField("Adresse de déconnexion back-channel")
    scopes = CheckboxesField("Portées que le service peut demander", choices=[SelectChoice(s, s) for s in ALL_SCOPES],
                             default=list(ALL_SCOPES), description="openid est toujours accordée.")
    id_token_signed_response_alg = SelectField("Signature des jetons d'identité", default="RS256",
                                               choices=[SelectChoice(a, a) for a in services.ID_TOKEN_ALGORITHMS])
    auth_method = SelectField("Authentification du service", default=ClientAuthMethod.CLIENT_SECRET_BASIC.value, choices=[
        SelectChoice(m.value, m.label) for m in ClientAuthMethod
    ], description="Passer à une méthode par secret crée un nouveau secret, affiché une seule fois.")
    jwks = TextAreaField("Clés publiques du service (JWKS, pour « Clé privée (JWT signé) »)")
    first_party = BooleanField("Service de l'ANS (pas d'écran de consentement)")
    access = RadioField("Entreprises autorisées", default=ACCESS_ALL, choices=[
        SelectChoice(ACCESS_ALL, "Toutes les entreprises"),
        SelectChoice(ACCESS_LISTED, "Seulement les entreprises ci-dessous")])
    companies = TextAreaField("Identifiants des entreprises autorisées (SIREN, SIRET, TVA ou identifiant "
                              "étranger ; un par ligne)")
    roles = CheckboxesField("Rôles autorisés (aucun coché : tous les rôles)",
                            choices=[SelectChoice(role.value, role.label) for role in Role])


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _form_data(service: Service) -> dict:
    """What the edit form shows of a service."""
    settings = services.settings_of(service)
    return settings | {
        "redirect_uris": "\n".join(settings["redirect_uris"]),
        "post_logout_redirect_uris": "\n".join(settings["post_logout_redirect_uris"]),
        "jwks": json.dumps(service.jwks, indent=2) if service.jwks else "",
        "auth_method": service.auth_method.value,
        "access": ACCESS_ALL if service.all_companies else ACCESS_LISTED,
        "companies": "\n".join(company.identifier_value for company in service.companies),
        "roles": list(service.allowed_roles),
    }


def _settings(form: ServiceForm) -> dict:
    """The keyword arguments of `services.update_service` (and `create_service`) the form gives."""
    scopes = set(form.scopes.data or []) | {"openid"}
    return {
        "name": (form.name.data or "").strip(), "description": (form.description.data or "").strip(),
        "home_url": (form.home_url.data or "").strip(), "logo_url": (form.logo_url.data or "").strip(),
        "initiate_login_uri": (form.initiate_login_uri.data or "").strip(),
        "redirect_uris": _lines(form.redirect_uris.data),
        "post_logout_redirect_uris": _lines(form.post_logout_redirect_uris.data),
        "backchannel_logout_uri": (form.backchannel_logout_uri.data or "").strip(),
        "scopes": [scope for scope in ALL_SCOPES if scope in scopes],
        "id_token_signed_response_alg": form.id_token_signed_response_alg.data,
        "first_party": bool(form.first_party.data),
        "jwks": _jwks(form),
    }


def _jwks(form: ServiceForm) -> dict | None:
    text = (form.jwks.data or "").strip()
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise services.ServiceError('Le JWKS doit être un document JSON : {"keys": [...]}.', field="jwks")
    return value


def _access(form: ServiceForm) -> tuple[list | None, list[Role]]:
    """The `companies` (None: every company) and `roles` of `services.set_access`."""
    roles = [Role(value) for value in form.roles.data or []]
    if form.access.data != ACCESS_LISTED:
        return None, roles
    return services.find_companies(_lines(form.companies.data)), roles


def _show_error(form: ServiceForm, error: services.ServiceError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))


def _save(service: Service, form: ServiceForm) -> tuple[list[str], str | None]:
    """Apply the edit form to `service`; the names of the settings changed, and the new
    secret, if any."""
    companies, roles = _access(form)
    return services.change_settings(service, _settings(form), auth_method=ClientAuthMethod(form.auth_method.data),
                                    companies=companies, roles=roles)


class ServiceView(SecureModelView):
    write_roles = ADMIN_ROLES
    column_list = ("name", "client_id", "auth_method", "first_party", "active", "created_at")
    column_details_list = ("name", "client_id", "description", "home_url", "initiate_login_uri", "redirect_uris",
                           "post_logout_redirect_uris", "backchannel_logout_uri", "allowed_scopes", "auth_method",
                           "id_token_signed_response_alg", "first_party", "all_companies", "companies",
                           "allowed_roles", "active", "secret_rotated_at", "created_at", "updated_at")
    column_labels = {"name": "Nom", "client_id": "Identifiant client", "auth_method": "Authentification",
                     "first_party": "Service ANS", "active": "Ouvert", "created_at": "Créé le",
                     "redirect_uris": "Adresses de retour", "allowed_scopes": "Portées",
                     "post_logout_redirect_uris": "Adresses de retour après déconnexion",
                     "backchannel_logout_uri": "Déconnexion back-channel", "home_url": "Adresse du service",
                     "initiate_login_uri": "Connexion initiée par ISC",
                     "id_token_signed_response_alg": "Signature des jetons d'identité",
                     "all_companies": "Toutes les entreprises", "companies": "Entreprises autorisées",
                     "allowed_roles": "Rôles autorisés", "updated_at": "Modifié le",
                     "secret_rotated_at": "Secret renouvelé le"}
    column_formatters = {
        "auth_method": lambda view, context, model, name: model.auth_method.label,
        "companies": lambda view, context, model, name: ", ".join(
            f"{company.name} ({company.identifier_value})" for company in model.companies),
        "allowed_roles": lambda view, context, model, name: ", ".join(
            Role(role).label for role in model.allowed_roles) or "tous",
    }
    column_searchable_list = ("name", "client_id")
    column_filters = ("active", "first_party")

    @property
    def can_create(self):
        return may(*ADMIN_ROLES)

    @property
    def can_edit(self):
        return may(*ADMIN_ROLES)

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        require(*ADMIN_ROLES)
        form = ServiceForm()
        if form.validate_on_submit():
            try:
                companies, roles = _access(form)
                service, secret = services.create_service(
                    **_settings(form), auth_method=ClientAuthMethod(form.auth_method.data),
                    companies=companies, roles=roles or None,
                )
            except services.ServiceError as error:
                db.session.rollback()
                _show_error(form, error)
            else:
                db.session.commit()
                return self.render("admin/isc/service_secret.html", secrets=[(service, secret)],
                                   title="Service enregistré")
        return self.render("admin/isc/service_form.html", form=form, service=None,
                           action_url=url_for(".create_view"), return_url=url_for(".index_view")), (
            422 if request.method == "POST" else 200)

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        require(*ADMIN_ROLES)
        service = db.session.get(Service, request.args.get("id", type=int) or 0)
        if service is None:
            abort(404)
        form = ServiceForm(data=_form_data(service))
        if form.validate_on_submit():
            try:
                changed, secret = _save(service, form)
            except services.ServiceError as error:
                db.session.rollback()
                _show_error(form, error)
            else:
                db.session.commit()
                if secret:
                    return self.render("admin/isc/service_secret.html", secrets=[(service, secret)],
                                       title="Service modifié : nouveau secret")
                flash("Service modifié." if changed else "Aucune modification.", "success" if changed else "info")
                return redirect(url_for(".details_view", id=service.id), 303)
        return self.render("admin/isc/service_form.html", form=form, service=service,
                           action_url=url_for(".edit_view", id=service.id),
                           return_url=url_for(".details_view", id=service.id)), (
            422 if request.method == "POST" else 200)

    def _services(self, ids):
        return db.session.scalars(db.select(Service).where(Service.id.in_([int(i) for i in ids]))).all()

    @action("rotate_secret", "Renouveler le secret", "L'ancien secret cessera immédiatement de fonctionner. Continuer ?")
    def action_rotate_secret(self, ids):
        rotated = []
        for service in self._services(ids):
            try:
                rotated.append((service, services.rotate_secret(service)))
            except services.ServiceError as error:
                flash(f"{service.name} : {error}", "warning")
        db.session.commit()
        if rotated:
            return self.render("admin/isc/service_secret.html", secrets=rotated, title="Secret renouvelé")
        return redirect(url_for(".index_view"))

    @action("open", "Ouvrir", "Ouvrir les services sélectionnés ?")
    def action_open(self, ids):
        for service in self._services(ids):
            services.set_active(service, True)
        db.session.commit()

    @action("close", "Fermer", "Fermer les services sélectionnés ? Leurs jetons cesseront de fonctionner.")
    def action_close(self, ids):
        for service in self._services(ids):
            services.set_active(service, False)
        db.session.commit()
