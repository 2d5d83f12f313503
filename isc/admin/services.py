"""Services (the OpenID Connect clients): list and details for every agent; administrators
register a service, rotate its secret (shown once, never stored in clear) and open or close it,
through the service functions of isc/services.py."""

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from isc import services
from isc.admin.access import ADMIN_ROLES, SecureModelView, may, require
from isc.extensions import db
from isc.models import ClientAuthMethod, Service


class ServiceForm(FlaskForm):
    name = StringField("Nom du service", validators=[DataRequired("Le nom est obligatoire."), Length(max=120)])
    description = TextAreaField("Description", validators=[Length(max=2000)])
    home_url = StringField("Adresse du service", validators=[Length(max=500)])
    initiate_login_uri = StringField("Adresse de connexion initiée par ISC (initiate_login_uri)",
                                     validators=[Length(max=500)])
    redirect_uris = TextAreaField("Adresses de retour autorisées (une par ligne)",
                                  validators=[DataRequired("Au moins une adresse de retour est obligatoire.")])
    post_logout_redirect_uris = TextAreaField("Adresses de retour après déconnexion (une par ligne)")
    backchannel_logout_uri = StringField("Adresse de déconnexion back-channel", validators=[Length(max=500)])
    auth_method = SelectField("Authentification du service", choices=[
        SelectChoice(m.value, m.label) for m in ClientAuthMethod if m != ClientAuthMethod.PRIVATE_KEY_JWT
    ])
    first_party = BooleanField("Service de l'ANS (pas d'écran de consentement)")


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ServiceView(SecureModelView):
    write_roles = ADMIN_ROLES
    column_list = ("name", "client_id", "auth_method", "first_party", "active", "created_at")
    column_details_list = ("name", "client_id", "description", "home_url", "initiate_login_uri", "redirect_uris",
                           "post_logout_redirect_uris", "backchannel_logout_uri", "allowed_scopes", "auth_method",
                           "first_party", "all_companies", "allowed_roles", "active", "secret_rotated_at",
                           "created_at", "updated_at")
    column_labels = {"name": "Nom", "client_id": "Identifiant client", "auth_method": "Authentification",
                     "first_party": "Service ANS", "active": "Ouvert", "created_at": "Créé le",
                     "redirect_uris": "Adresses de retour", "allowed_scopes": "Portées",
                     "secret_rotated_at": "Secret renouvelé le"}
    column_searchable_list = ("name", "client_id")
    column_filters = ("active", "first_party")

    @property
    def can_create(self):
        return may(*ADMIN_ROLES)

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        require(*ADMIN_ROLES)
        form = ServiceForm()
        if form.validate_on_submit():
            try:
                service, secret = services.create_service(
                    name=form.name.data, description=form.description.data or "",
                    home_url=form.home_url.data or "", initiate_login_uri=form.initiate_login_uri.data or "",
                    redirect_uris=_lines(form.redirect_uris.data),
                    post_logout_redirect_uris=_lines(form.post_logout_redirect_uris.data),
                    backchannel_logout_uri=form.backchannel_logout_uri.data or "",
                    auth_method=ClientAuthMethod(form.auth_method.data), first_party=form.first_party.data,
                )
            except services.ServiceError as error:
                db.session.rollback()
                field = getattr(form, error.field, None) if error.field else None
                (field.errors if field is not None and isinstance(field.errors, list) else form.form_errors).append(str(error))
            else:
                db.session.commit()
                return self.render("admin/isc/service_secret.html", secrets=[(service, secret)], created=True)
        return self.render("admin/isc/service_form.html", form=form, return_url=url_for(".index_view")), (
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
            return self.render("admin/isc/service_secret.html", secrets=rotated, created=False)
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
