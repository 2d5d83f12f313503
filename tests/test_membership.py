"""Représentants and salariés join their company, and everyone's details change, through demandes
decided by the company's mandataires and représentants (ANS, for a mandataire): finding the
company, asking, deciding, what each decider sees, expiry, and two deciders at the same moment.

Services flush; like the views, the tests commit once per "request"."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm.attributes import set_committed_value

from isc import accounts, membership
from isc.extensions import db as _db
from isc.membership import (
    ALREADY_DECIDED,
    MembershipError,
    approve,
    counts_to_process,
    expire_stale_demandes,
    find_for,
    find_registered_company,
    refuse,
    request_modification,
    request_registration,
    to_process,
)
from isc.models import (
    Agent,
    AgentRole,
    AuditEvent,
    Civility,
    CompanyStatus,
    Demande,
    DemandeKind,
    DemandeStatus,
    IdentifierType,
    Registration,
    RegistrationStatus,
    Role,
    User,
    UserStatus,
)
from isc.models.types import utcnow
from tests.conftest import DEFAULT_PASSWORD

IP = "203.0.113.7"
SIREN, SIRET, VAT = "842915308", "84291530800006", "FR71842915308"
CGU = "2.1"
REGISTRATION, MODIFICATION = DemandeKind.REGISTRATION, DemandeKind.MODIFICATION
NOT_YOURS = "Vos droits ne vous permettent pas de traiter cette demande."


def applicant(**overrides) -> dict:
    """What an applicant types on "Vos informations personnelles"."""
    return {
        "username": "jbenoit",
        "civility": "monsieur",
        "first_name": "Jean Benoit",
        "last_name": "Martin",
        "email": "jean.benoit@logipro.fr",
        "direct_phone": "01 23 45 67 89",
        "phone": "",
    } | overrides


@pytest.fixture
def outside_request():
    """Ask for it to run the test without the request context (a job, a worker)."""


@pytest.fixture(autouse=True)
def in_a_request(app, request):
    """The services run in a request, as the views call them: url_for, the client's IP."""
    if "outside_request" in request.fixturenames:
        yield
        return
    with app.test_request_context("/demandes", environ_base={"REMOTE_ADDR": IP}):
        yield


@pytest.fixture
def company(make_company):
    return make_company(identifier_type=IdentifierType.SIREN, identifier_value=SIREN, name="LOGIPRO")


@pytest.fixture
def team(make_user, company):
    """The active people of LOGIPRO: one of each role."""
    return {
        "mandataire": make_user("mandataire", company=company, email="pf.durand@logipro.fr",
                                first_name="Pierre-François", last_name="Durand"),
        "representant": make_user("representant", company=company, email="paul.clerand@logipro.fr",
                                  first_name="Paul", last_name="Clerand"),
        "salarie": make_user("salarie", company=company, email="aline.durand@logipro.fr",
                             first_name="Aline", last_name="Durand", direct_phone="+33123456789"),
    }


@pytest.fixture
def make_agent(db):
    counter = iter(range(1, 1000))

    def make(role: str = "reviewer", active: bool = True) -> Agent:
        number = next(counter)
        agent = Agent(role=AgentRole(role), email=f"agent{number}@ans.example.fr", full_name=f"Agent {number}",
                      password_hash="not-used", active=active)
        db.session.add(agent)
        db.session.commit()
        return agent

    return make


def ask(db, company, role: str = "salarie", **overrides) -> Demande:
    demande = request_registration(company, Role(role), applicant(**overrides), CGU)
    db.session.commit()
    return demande


def ask_change(db, user, values: dict, comment: str = "") -> Demande:
    demande = request_modification(user, values, comment)
    db.session.commit()
    return demande


def decide(db, demande, actor, reason: str | None = None) -> None:
    """Approve (no reason) or refuse (a reason), committed."""
    if reason is None:
        approve(demande, actor)
    else:
        refuse(demande, actor, reason)
    db.session.commit()


def events(db, action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def recipients(outbox, template: str) -> set[str]:
    return {message.recipient for message in outbox.messages() if message.template == template}


def demande_url(demande) -> str:
    return "http://localhost" + url_for("demandes.detail", demande_id=demande.id)


# --- Finding one's company ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind, typed", [
    (IdentifierType.SIREN, SIREN),
    (IdentifierType.SIREN, " 842 915 308 "),
    (IdentifierType.SIRET, "842 915 308 00006"),
    (IdentifierType.EU_VAT, VAT),
    (IdentifierType.EU_VAT, "fr 71 842 915 308"),
])
def test_a_company_registered_by_siren_is_found_by_siren_siret_or_french_vat(company, kind, typed):
    assert find_registered_company(kind, typed) == company


@pytest.mark.parametrize("kind, typed", [
    (IdentifierType.SIREN, SIREN),
    (IdentifierType.SIRET, SIRET),
    (IdentifierType.EU_VAT, "FR 71842915308"),
])
def test_a_company_registered_by_its_french_vat_is_found_by_its_siren_or_siret(make_company, kind, typed):
    registered = make_company(identifier_type=IdentifierType.EU_VAT, identifier_value=VAT)
    assert find_registered_company(kind, typed) == registered


def test_a_foreign_company_is_found_by_its_identifier_typed_loosely(make_company):
    registered = make_company(identifier_type=IdentifierType.FOREIGN, identifier_value="HRB12345")
    assert find_registered_company(IdentifierType.FOREIGN, " hrb 12345 ") == registered
    assert find_registered_company(IdentifierType.EU_VAT, "DE136695976") is None


def test_a_foreign_identifier_made_of_digits_does_not_find_a_french_company(company):
    assert find_registered_company(IdentifierType.FOREIGN, SIREN) is None


def test_a_valid_but_unknown_identifier_finds_nothing(company):
    assert find_registered_company(IdentifierType.SIREN, "732829320") is None
    assert find_registered_company(IdentifierType.SIRET, "73282932000074") is None


@pytest.mark.parametrize("kind, typed, message", [
    (IdentifierType.SIREN, "842915309", "Le SIREN n'est pas valide"),
    (IdentifierType.SIREN, "", "Le SIREN n'est pas valide"),
    (IdentifierType.SIRET, "84291530800007", "Le SIRET n'est pas valide"),
    (IdentifierType.EU_VAT, "FR40842915308", "Le numéro de TVA intracommunautaire n'est pas valide"),
    (IdentifierType.FOREIGN, "' OR 1=1 --", "L'identifiant n'est pas valide"),
    (IdentifierType.FOREIGN, "A" * 500, "L'identifiant n'est pas valide"),
])
def test_a_malformed_identifier_is_refused_on_the_identifier_field(company, kind, typed, message):
    with pytest.raises(MembershipError, match=message) as refused:
        find_registered_company(kind, typed)
    assert refused.value.field == "identifier"


@pytest.mark.parametrize("status", [CompanyStatus.PENDING, CompanyStatus.SUSPENDED])
def test_a_company_not_active_is_not_found(db, company, status):
    company.status = status
    db.session.commit()
    assert find_registered_company(IdentifierType.SIREN, SIREN) is None


# --- Asking to join ----------------------------------------------------------------------------------


def test_a_registration_makes_a_pending_account_and_its_demande(db, company):
    demande = ask(db, company)
    user = demande.user
    assert (demande.kind, demande.status, demande.company_id) == (REGISTRATION, DemandeStatus.PENDING, company.id)
    assert user.status == UserStatus.PENDING and user.role == Role.SALARIE and user.company_id == company.id
    assert (user.username, user.civility, user.first_name, user.last_name, user.email, user.direct_phone,
            user.phone) == ("jbenoit", Civility.MONSIEUR, "Jean Benoit", "Martin", "jean.benoit@logipro.fr",
                            "+33123456789", "")
    assert user.password_hash is None
    with pytest.raises(accounts.AccountError):
        accounts.sign_in("jbenoit", "")


def test_a_registration_is_audited_with_the_cgu_version_and_the_ip(db, company):
    demande = ask(db, company, role="representant")
    (event,) = events(db, "demande.registration_requested")
    assert (event.actor_type, event.actor_id, event.actor_label) == ("user", demande.user_id, "jbenoit")
    assert (event.target_type, event.target_id, event.ip) == ("demande", demande.id, IP)
    assert event.details == {"role": "representant", "company_id": company.id, "cgu_version": CGU}


def test_the_applicant_is_told_the_demande_was_sent(db, company, outbox):
    ask(db, company)
    message = outbox.last("jean.benoit@logipro.fr")
    assert message.template == "demande_registration_received"
    assert "salarié de l'entreprise LOGIPRO" in message.text_body and "jbenoit" in message.text_body


@pytest.fixture
def bystanders(make_user, make_company, company):
    """People who must never hear of LOGIPRO's demandes: inactive deciders and another company's."""
    make_user("mandataire", company=company, status=UserStatus.DISABLED, email="ancien@logipro.fr")
    make_user("representant", company=company, status=UserStatus.PENDING, email="candidat@logipro.fr")
    make_user("representant", company=company, status=UserStatus.DELETED, email="parti@logipro.fr")
    elsewhere = make_company()
    make_user("mandataire", company=elsewhere, email="mandataire@ailleurs.fr")
    make_user("representant", company=elsewhere, email="representant@ailleurs.fr")


def test_a_salarie_s_registration_goes_to_the_active_mandataires_and_representants_only(
        db, company, team, bystanders, outbox):
    demande = ask(db, company, role="salarie")
    assert recipients(outbox, "demande_to_process") == {"pf.durand@logipro.fr", "paul.clerand@logipro.fr"}
    message = outbox.last("paul.clerand@logipro.fr")
    assert message.subject == "Demande d'inscription à traiter : Jean Benoit Martin"
    assert demande_url(demande) in outbox.links(message)
    assert "en tant que salarié de votre entreprise" in message.text_body


def test_a_representant_s_registration_goes_to_the_active_mandataires_only(db, company, team, bystanders, outbox):
    ask(db, company, role="representant")
    assert recipients(outbox, "demande_to_process") == {"pf.durand@logipro.fr"}


def test_a_company_with_no_active_decider_still_records_the_demande(db, company, outbox):
    demande = ask(db, company)
    assert demande.status == DemandeStatus.PENDING
    assert recipients(outbox, "demande_to_process") == set()


def test_a_mandataire_does_not_join_by_a_demande(db, company, team, outbox):
    with pytest.raises(MembershipError, match="Ce rôle ne s'inscrit pas par une demande"):
        request_registration(company, Role.MANDATAIRE, applicant(), CGU)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Demande.id))) == 0
    assert outbox.messages() == []


@pytest.mark.parametrize("status", [CompanyStatus.PENDING, CompanyStatus.SUSPENDED])
def test_a_company_not_active_takes_no_registration(db, company, status):
    company.status = status
    db.session.commit()
    with pytest.raises(MembershipError, match="n'accepte pas d'inscription"):
        request_registration(company, Role.SALARIE, applicant(), CGU)


@pytest.mark.parametrize("field, value", [("username", "pf.durand"), ("email", "PF.Durand@Logipro.fr")])
def test_a_username_or_email_of_an_account_cannot_be_taken(db, company, make_user, field, value):
    make_user("mandataire", company=company, username="pf.durand", email="pf.durand@logipro.fr")
    with pytest.raises(MembershipError) as refused:
        request_registration(company, Role.SALARIE, applicant(**{field: value}), CGU)
    assert refused.value.field == field


@pytest.mark.parametrize("field", ["username", "email"])
def test_a_username_or_email_of_a_pending_applicant_cannot_be_taken(db, company, field):
    ask(db, company)
    other = applicant(username="autre", email="autre@logipro.fr") | {field: applicant()[field]}
    with pytest.raises(MembershipError) as refused:
        request_registration(company, Role.SALARIE, other, CGU)
    assert refused.value.field == field


@pytest.mark.parametrize("field", ["username", "email"])
def test_a_username_or_email_held_by_a_mandataire_registration_cannot_be_taken(db, company, field):
    db.session.add(Registration(status=RegistrationStatus.DRAFT, username="jbenoit", email="jean.benoit@logipro.fr"))
    db.session.commit()
    other = applicant(username="autre", email="autre@logipro.fr") | {field: applicant()[field]}
    with pytest.raises(MembershipError) as refused:
        request_registration(company, Role.SALARIE, other, CGU)
    assert refused.value.field == field


@pytest.mark.parametrize("field, value, message", [
    ("first_name", "<script>alert(1)</script>", "ne peut contenir que des lettres"),
    ("last_name", "Robert'); DROP TABLE user_account;--", "ne peut contenir que des lettres"),
    ("username", "jb\x00enoit", "ne peut contenir que des lettres sans accent"),
    ("username", "a" * 65, "entre 3 et 64 caractères"),
    ("email", "jean@logipro.fr\r\nBcc: victime@example.org", "L'adresse e-mail n'est pas valide"),
    ("email", "x" * 300 + "@logipro.fr", "L'adresse e-mail n'est pas valide"),
    ("direct_phone", "+33 1 23 45 67 89 00 00 00 00", "Le numéro de téléphone n'est pas valide"),
    ("civility", "madame'--", "Sélectionnez votre civilité."),
    ("first_name", ["Jean"], "Valeur invalide."),
    ("email", {"$ne": ""}, "Valeur invalide."),
])
def test_hostile_values_are_refused_on_their_field_and_nothing_is_stored(db, company, field, value, message):
    with pytest.raises(MembershipError, match=message) as refused:
        request_registration(company, Role.SALARIE, applicant(**{field: value}), CGU)
    assert refused.value.field == field
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_a_company_accepts_a_limited_number_of_pending_registrations(app, db, company, make_company, team, outbox):
    app.config["DEMANDES_MAX_PENDING_PER_COMPANY"] = 2
    first = ask(db, company, username="une", email="un@logipro.fr")
    ask(db, company, username="deux", email="deux@logipro.fr")
    with pytest.raises(MembershipError, match="trop de demandes d'inscription en attente"):
        request_registration(company, Role.SALARIE, applicant(username="trois", email="trois@logipro.fr"), CGU)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.username == "trois")) == 0
    # Modifications do not count, nor other companies' demandes.
    ask_change(db, team["salarie"], {"first_name": "Alina"})
    ask(db, make_company(), username="ailleurs", email="ailleurs@example.fr")
    # Once one is decided, there is room again.
    decide(db, first, team["mandataire"], reason="Inconnu dans l'entreprise.")
    assert ask(db, company, username="trois", email="trois@logipro.fr").status == DemandeStatus.PENDING


def test_the_pending_registration_limit_is_one_hundred_by_default(app):
    assert app.config["DEMANDES_MAX_PENDING_PER_COMPANY"] == 100


# --- Asking to change one's details -----------------------------------------------------------------


def test_a_modification_keeps_only_the_changed_fields_with_their_previous_values(db, team):
    salarie = team["salarie"]
    demande = ask_change(db, salarie, {
        "civility": "madame", "first_name": " Aline ", "last_name": "Durand-Martin",
        "email": "ALINE.DURAND@logipro.fr", "direct_phone": "01 23 45 67 99", "phone": "+33 1 23 45 67 89",
    }, "Changement de numéro de téléphone")
    assert (demande.kind, demande.status, demande.user_id) == (MODIFICATION, DemandeStatus.PENDING, salarie.id)
    assert demande.requested == {"last_name": "Durand-Martin", "direct_phone": "+33123456799"}
    assert demande.previous == {"last_name": "Durand", "direct_phone": "+33123456789"}
    assert demande.comment == "Changement de numéro de téléphone"
    assert (salarie.last_name, salarie.direct_phone) == ("Durand", "+33123456789")  # until decided
    (event,) = events(db, "demande.modification_requested")
    assert (event.actor_id, event.details, event.ip) == (salarie.id, {"fields": ["direct_phone", "last_name"]}, IP)


def test_a_modification_is_sent_to_those_who_decide_it(db, team, bystanders, outbox):
    demande = ask_change(db, team["salarie"], {"first_name": "Alina"})
    assert recipients(outbox, "demande_to_process") == {"pf.durand@logipro.fr", "paul.clerand@logipro.fr"}
    message = outbox.last("pf.durand@logipro.fr")
    assert message.subject == "Demande de modification à traiter : Aline Durand"
    assert demande_url(demande) in outbox.links(message)


def test_a_mandataire_s_modification_is_for_ans_and_e_mails_nobody_in_the_company(db, team, outbox):
    ask_change(db, team["mandataire"], {"first_name": "Pierre"})
    assert recipients(outbox, "demande_to_process") == set()


def test_a_modification_that_changes_nothing_is_refused(db, team):
    salarie = team["salarie"]
    with pytest.raises(MembershipError, match="ne modifie aucune information"):
        request_modification(salarie, {"first_name": "  Aline ", "email": "Aline.Durand@logipro.fr",
                                       "civility": "madame", "direct_phone": "01 23 45 67 89"}, "")
    with pytest.raises(MembershipError, match="ne modifie aucune information"):
        request_modification(salarie, {}, "")


@pytest.mark.parametrize("field", ["username", "role", "company_id", "status", "password_hash", "public_id"])
def test_a_modification_of_a_field_not_offered_is_refused(db, team, field):
    with pytest.raises(MembershipError, match="ne peuvent pas être modifiées"):
        request_modification(team["salarie"], {"first_name": "Alina", field: "x"}, "")


def test_a_refused_value_in_a_modification_names_its_field(db, team):
    with pytest.raises(MembershipError) as refused:
        request_modification(team["salarie"], {"direct_phone": "12"}, "")
    assert refused.value.field == "direct_phone"


def test_one_pending_modification_at_a_time(db, team):
    ask_change(db, team["salarie"], {"first_name": "Alina"})
    with pytest.raises(MembershipError, match="déjà en cours de traitement"):
        request_modification(team["salarie"], {"last_name": "Martin"}, "")


def test_once_decided_another_modification_may_be_asked(db, team):
    first = ask_change(db, team["salarie"], {"first_name": "Alina"})
    decide(db, first, team["mandataire"], reason="Orthographe à vérifier.")
    assert ask_change(db, team["salarie"], {"first_name": "Aline-Marie"}).status == DemandeStatus.PENDING


def test_a_modification_to_an_email_already_used_is_refused(db, team, make_user):
    with pytest.raises(MembershipError) as refused:
        request_modification(team["salarie"], {"email": "paul.clerand@logipro.fr"}, "")
    assert refused.value.field == "email"
    db.session.add(Registration(status=RegistrationStatus.IN_REVIEW, username="x1", email="dossier@logipro.fr"))
    db.session.commit()
    with pytest.raises(MembershipError) as refused:
        request_modification(team["salarie"], {"email": "dossier@logipro.fr"}, "")
    assert refused.value.field == "email"


def test_a_comment_is_limited_to_two_thousand_characters(db, team):
    with pytest.raises(MembershipError, match="2000 caractères au plus.") as refused:
        request_modification(team["salarie"], {"first_name": "Alina"}, "x" * 2001)
    assert refused.value.field == "comment"
    assert ask_change(db, team["salarie"], {"first_name": "Alina"}, "x" * 2000).comment == "x" * 2000


@pytest.mark.parametrize("status", [UserStatus.DISABLED, UserStatus.PENDING, UserStatus.DELETED])
def test_an_inactive_person_cannot_ask_a_modification(db, team, status):
    team["salarie"].status = status
    db.session.commit()
    with pytest.raises(MembershipError, match="Vos droits ne vous permettent pas"):
        request_modification(team["salarie"], {"first_name": "Alina"}, "")


# --- Deciding -----------------------------------------------------------------------------------------


def test_approving_a_registration_activates_the_account_and_e_mails_the_password_link(
        app, db, company, team, outbox, client):
    demande = ask(db, company)
    decide(db, demande, team["representant"])
    user = demande.user
    assert user.status == UserStatus.ACTIVE
    assert demande.status == DemandeStatus.APPROVED and demande.decided_by_id == team["representant"].id
    assert demande.decided_at is not None
    (event,) = events(db, "demande.registration_approved")
    assert (event.actor_id, event.target_id, event.details) == (team["representant"].id, demande.id,
                                                                 {"user_id": user.id})
    message = outbox.last("jean.benoit@logipro.fr")
    assert message.template == "password_setup"
    (link,) = [link for link in outbox.links(message) if "/mot-de-passe/definir/" in link]
    assert client.get(link.removeprefix("http://localhost")).status_code == 200


def test_refusing_a_registration_e_mails_the_reason_and_erases_the_applicant(db, company, team, outbox):
    demande = ask(db, company)
    decide(db, demande, team["mandataire"], reason="Cette personne ne travaille pas chez nous.")
    user = demande.user
    assert demande.status == DemandeStatus.REFUSED
    assert demande.decision_comment == "Cette personne ne travaille pas chez nous."
    message = outbox.last("jean.benoit@logipro.fr")
    assert message.template == "demande_registration_refused"
    assert "Cette personne ne travaille pas chez nous." in message.text_body and "LOGIPRO" in message.text_body
    assert user.status == UserStatus.DELETED and user.password_hash is None
    assert "jbenoit" not in (user.username, user.email) and user.first_name == "" and user.direct_phone == ""
    (event,) = events(db, "demande.registration_refused")
    assert (event.actor_id, event.details) == (team["mandataire"].id, {"user_id": user.id})


def test_a_refused_applicant_may_ask_again_with_the_same_username_and_email(db, company, team):
    decide(db, ask(db, company), team["mandataire"], reason="Doublon.")
    again = ask(db, company)
    assert again.status == DemandeStatus.PENDING and again.user.username == "jbenoit"


@pytest.mark.parametrize("reason, message", [
    ("", "Expliquez la raison du refus"),
    ("   \n ", "Expliquez la raison du refus"),
    ("x" * 2001, "2000 caractères au plus."),
    (None, "Expliquez la raison du refus"),
    (["liste"], "Valeur invalide."),
])
def test_a_refusal_needs_a_reason_of_reasonable_length(db, company, team, reason, message):
    demande = ask(db, company)
    with pytest.raises(MembershipError, match=message) as refused:
        refuse(demande, team["mandataire"], reason)
    assert refused.value.field == "reason"
    db.session.rollback()
    assert demande.status == DemandeStatus.PENDING and demande.user.status == UserStatus.PENDING


def test_approving_a_modification_applies_it_and_e_mails_both_addresses(db, team, outbox):
    salarie = team["salarie"]
    demande = ask_change(db, salarie, {"civility": "monsieur", "email": "a.durand@logipro.fr",
                                       "direct_phone": "01 23 45 67 99"})
    decide(db, demande, team["representant"])
    db.session.expire_all()
    assert (salarie.civility, salarie.email, salarie.direct_phone) == (
        Civility.MONSIEUR, "a.durand@logipro.fr", "+33123456799")
    assert demande.status == DemandeStatus.APPROVED
    approved = outbox.last("a.durand@logipro.fr")
    assert approved.template == "demande_modification_approved"
    assert "N° de téléphone direct : +33 1 23 45 67 89 → +33 1 23 45 67 99" in approved.text_body
    assert "Civilité : Madame → Monsieur" in approved.text_body
    notice = outbox.last("aline.durand@logipro.fr")
    assert notice.template == "email_changed" and "a.durand@logipro.fr" in notice.text_body
    (event,) = events(db, "demande.modification_approved")
    assert event.details == {"fields": ["civility", "direct_phone", "email"]}


def test_refusing_a_modification_leaves_the_details_and_e_mails_the_reason(db, team, outbox):
    salarie = team["salarie"]
    demande = ask_change(db, salarie, {"last_name": "Martin"})
    decide(db, demande, team["mandataire"], reason="Merci de joindre un justificatif au support.")
    db.session.expire_all()
    assert salarie.last_name == "Durand" and salarie.status == UserStatus.ACTIVE
    assert demande.status == DemandeStatus.REFUSED
    message = outbox.last("aline.durand@logipro.fr")
    assert message.template == "demande_modification_refused"
    assert "Nom : Durand → Martin" in message.text_body
    assert "Merci de joindre un justificatif au support." in message.text_body
    assert len(events(db, "demande.modification_refused")) == 1


def test_approving_a_modification_whose_email_was_taken_meanwhile_fails_cleanly(db, team, make_user, outbox):
    salarie = team["salarie"]
    demande = ask_change(db, salarie, {"email": "libre@logipro.fr", "first_name": "Alina"})
    make_user("salarie", company=salarie.company, email="libre@logipro.fr")
    with pytest.raises(MembershipError, match="utilise déjà cette adresse e-mail") as refused:
        approve(demande, team["mandataire"])
    assert refused.value.field == "email"
    db.session.rollback()
    assert demande.status == DemandeStatus.PENDING
    assert (salarie.email, salarie.first_name) == ("aline.durand@logipro.fr", "Aline")
    # It can still be refused.
    decide(db, demande, team["mandataire"], reason="Adresse déjà utilisée par un autre compte.")
    assert demande.status == DemandeStatus.REFUSED


@pytest.mark.parametrize("applicant_role, decider_role", [
    ("salarie", "salarie"),
    ("representant", "representant"),
    ("representant", "salarie"),
])
def test_a_decider_without_the_right_cannot_decide(db, company, team, applicant_role, decider_role):
    demande = ask(db, company, role=applicant_role)
    for attempt in (lambda: approve(demande, team[decider_role]),
                    lambda: refuse(demande, team[decider_role], "Non.")):
        with pytest.raises(MembershipError, match=NOT_YOURS):
            attempt()
    db.session.rollback()
    assert demande.status == DemandeStatus.PENDING


def test_nobody_decides_their_own_modification(db, team):
    for role in ("mandataire", "representant"):
        demande = ask_change(db, team[role], {"first_name": "Autre"})
        with pytest.raises(MembershipError, match=NOT_YOURS):
            approve(demande, team[role])


def test_a_representant_decides_a_salarie_s_but_not_a_representant_s_modification(db, team, make_user):
    other = make_user("representant", company=team["mandataire"].company)
    with pytest.raises(MembershipError, match=NOT_YOURS):
        approve(ask_change(db, other, {"first_name": "Autre"}), team["representant"])
    demande = ask_change(db, team["salarie"], {"first_name": "Alina"})
    decide(db, demande, team["representant"])
    assert demande.status == DemandeStatus.APPROVED


def test_another_company_s_mandataire_cannot_decide(db, company, team, make_user, make_company):
    stranger = make_user("mandataire", company=make_company())
    demande = ask(db, company)
    with pytest.raises(MembershipError, match=NOT_YOURS):
        approve(demande, stranger)
    with pytest.raises(MembershipError, match=NOT_YOURS):
        refuse(demande, stranger, "Non.")


@pytest.mark.parametrize("status", [UserStatus.DISABLED, UserStatus.DELETED])
def test_an_inactive_mandataire_cannot_decide(db, company, team, status):
    demande = ask(db, company)
    team["mandataire"].status = status
    db.session.commit()
    with pytest.raises(MembershipError, match=NOT_YOURS):
        approve(demande, team["mandataire"])


@pytest.mark.parametrize("role", ["reviewer", "administrator"])
def test_an_ans_agent_decides_a_mandataire_s_modification(db, team, make_agent, outbox, role):
    agent = make_agent(role)
    mandataire = team["mandataire"]
    demande = ask_change(db, mandataire, {"last_name": "Durand-Lefèvre"})
    decide(db, demande, agent)
    db.session.expire_all()
    assert mandataire.last_name == "Durand-Lefèvre"
    assert demande.decided_by_agent_id == agent.id and demande.decided_by_id is None
    (event,) = events(db, "demande.modification_approved")
    assert (event.actor_type, event.actor_id) == ("agent", agent.id)
    refused = ask_change(db, mandataire, {"first_name": "Pierre"})
    decide(db, refused, agent, reason="Le prénom doit correspondre à la pièce d'identité.")
    assert refused.status == DemandeStatus.REFUSED


def test_an_auditor_or_inactive_agent_cannot_decide(db, team, make_agent):
    demande = ask_change(db, team["mandataire"], {"first_name": "Pierre"})
    for agent in (make_agent("auditor"), make_agent("reviewer", active=False)):
        with pytest.raises(MembershipError, match=NOT_YOURS):
            approve(demande, agent)
    assert demande.status == DemandeStatus.PENDING


def test_an_agent_does_not_decide_the_company_s_own_demandes(db, company, team, make_agent):
    agent = make_agent("administrator")
    for demande in (ask(db, company), ask_change(db, team["salarie"], {"first_name": "Alina"})):
        with pytest.raises(MembershipError, match=NOT_YOURS):
            approve(demande, agent)
        with pytest.raises(MembershipError, match=NOT_YOURS):
            refuse(demande, agent, "Non.")


def test_a_company_decider_does_not_decide_a_mandataire_s_modification(db, team, make_user):
    other_mandataire = make_user("mandataire", company=team["mandataire"].company)
    demande = ask_change(db, team["mandataire"], {"first_name": "Pierre"})
    for decider in (other_mandataire, team["representant"]):
        with pytest.raises(MembershipError, match=NOT_YOURS):
            approve(demande, decider)


@pytest.mark.parametrize("first, second", [("approve", "refuse"), ("refuse", "approve"),
                                           ("approve", "approve"), ("refuse", "refuse")])
def test_a_demande_is_decided_once(db, company, team, outbox, first, second):
    demande = ask(db, company)
    mandataire, representant = team["mandataire"], team["representant"]
    decide(db, demande, mandataire, reason=None if first == "approve" else "Inconnu.")
    sent = len(outbox.messages())
    with pytest.raises(MembershipError, match=ALREADY_DECIDED):
        decide(db, demande, representant, reason=None if second == "approve" else "Inconnu.")
    db.session.rollback()
    db.session.expire_all()
    assert demande.status == (DemandeStatus.APPROVED if first == "approve" else DemandeStatus.REFUSED)
    assert demande.decided_by_id == mandataire.id
    assert len(outbox.messages()) == sent


def test_a_stale_copy_still_pending_in_memory_cannot_be_decided_again(db, company, team):
    demande = ask(db, company)
    decide(db, demande, team["mandataire"])
    db.session.expire_all()
    stale = db.session.get(Demande, demande.id)
    set_committed_value(stale, "status", DemandeStatus.PENDING)  # in memory only
    with pytest.raises(MembershipError, match=ALREADY_DECIDED):
        refuse(stale, team["representant"], "Trop tard.")
    db.session.rollback()
    assert db.session.get(Demande, demande.id).status == DemandeStatus.APPROVED
    assert db.session.get(User, demande.user_id).status == UserStatus.ACTIVE


# --- What each decider has to process -----------------------------------------------------------------


@pytest.fixture
def pending(db, company, team, make_user, make_company):
    """LOGIPRO's pending demandes (and a few that are not LOGIPRO's to see or not pending)."""
    other_representant = make_user("representant", company=company, email="r2@logipro.fr")
    made = {
        "salarie_registration": ask(db, company, role="salarie", username="sal1", email="s1@logipro.fr"),
        "representant_registration": ask(db, company, role="representant", username="rep1", email="r1@logipro.fr"),
        "salarie_modification": ask_change(db, team["salarie"], {"first_name": "Alina"}),
        "representant_modification": ask_change(db, other_representant, {"first_name": "Paulo"}),
        "own_representant_modification": ask_change(db, team["representant"], {"first_name": "Pablo"}),
        "mandataire_modification": ask_change(db, team["mandataire"], {"first_name": "Pierre"}),
    }
    decided = ask(db, company, role="salarie", username="sal2", email="s2@logipro.fr")
    decide(db, decided, team["mandataire"])
    elsewhere = make_company()
    ask(db, elsewhere, role="salarie", username="sal3", email="s3@ailleurs.fr")
    ask_change(db, make_user("salarie", company=elsewhere), {"first_name": "Loin"})
    made["decided"] = decided
    return made


def processed_by(db, user) -> set[str]:
    return {demande.user.email for demande in db.session.scalars(to_process(user))}


def test_a_mandataire_processes_the_representants_and_salaries_demandes(db, team, pending):
    names = {key: demande.user.email for key, demande in pending.items()}
    assert processed_by(db, team["mandataire"]) == {
        names["salarie_registration"], names["representant_registration"], names["salarie_modification"],
        names["representant_modification"], names["own_representant_modification"]}
    assert counts_to_process(team["mandataire"]) == {REGISTRATION: 2, MODIFICATION: 3}


def test_a_representant_processes_the_salaries_demandes_only(db, team, pending):
    assert processed_by(db, team["representant"]) == {"s1@logipro.fr", "aline.durand@logipro.fr"}
    assert counts_to_process(team["representant"]) == {REGISTRATION: 1, MODIFICATION: 1}


def test_a_salarie_processes_nothing(db, team, pending):
    assert processed_by(db, team["salarie"]) == set()
    assert counts_to_process(team["salarie"]) == {REGISTRATION: 0, MODIFICATION: 0}


def test_an_inactive_mandataire_processes_nothing(db, team, pending):
    team["mandataire"].status = UserStatus.DISABLED
    db.session.commit()
    assert counts_to_process(team["mandataire"]) == {REGISTRATION: 0, MODIFICATION: 0}


def test_demandes_to_process_come_newest_first(db, team, pending):
    listed = list(db.session.scalars(to_process(team["mandataire"])))
    assert [demande.created_at for demande in listed] == sorted((d.created_at for d in listed), reverse=True)
    assert listed[0].id > listed[-1].id


def test_find_for_returns_only_what_the_person_may_decide(db, team, pending, make_user, make_company):
    mandataire, representant, salarie = team["mandataire"], team["representant"], team["salarie"]
    registration = pending["representant_registration"]
    assert find_for(mandataire, registration.id) == registration
    assert find_for(representant, registration.id) is None
    assert find_for(salarie, pending["salarie_registration"].id) is None
    assert find_for(mandataire, pending["mandataire_modification"].id) is None
    assert find_for(make_user("mandataire", company=make_company()), registration.id) is None
    assert find_for(mandataire, 10_000_000) is None


def test_a_decided_demande_stays_readable_by_its_decider(db, team, pending):
    decided = pending["decided"]
    assert decided.decided_by_id == team["mandataire"].id
    assert find_for(team["mandataire"], decided.id) == decided
    assert decided not in list(db.session.scalars(to_process(team["mandataire"])))


def test_differences_list_the_requested_changes_against_the_current_values(db, team):
    demande = ask_change(db, team["salarie"], {"direct_phone": "01 23 45 67 99", "civility": "monsieur"})
    assert sorted(membership.differences(demande)) == [
        ("Civilité", "Madame", "Monsieur"),
        ("N° de téléphone direct", "+33 1 23 45 67 89", "+33 1 23 45 67 99"),
    ]


# --- Expiry ------------------------------------------------------------------------------------------


def age(db, demande, days: int) -> None:
    db.session.execute(sa.update(Demande).where(Demande.id == demande.id)
                       .values(created_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def test_stale_demandes_expire_and_applicants_are_told_and_erased(app, db, company, team, outbox, outside_request):
    with app.test_request_context("/demandes", environ_base={"REMOTE_ADDR": IP}):
        old_registration = ask(db, company)
        old_modification = ask_change(db, team["salarie"], {"first_name": "Alina"})
        recent = ask(db, company, username="recent", email="recent@logipro.fr")
        decided = ask(db, company, username="decided", email="decided@logipro.fr")
        decide(db, decided, team["mandataire"], reason="Non.")
    for demande in (old_registration, old_modification, decided):
        age(db, demande, days=31)

    assert expire_stale_demandes() == 2

    db.session.expire_all()
    assert old_registration.status == DemandeStatus.CANCELLED and old_registration.decision_comment == "expired"
    assert old_registration.user.status == UserStatus.DELETED and old_registration.user.username != "jbenoit"
    message = outbox.last("jean.benoit@logipro.fr")
    assert message.template == "demande_registration_expired" and "LOGIPRO" in message.text_body
    assert old_modification.status == DemandeStatus.CANCELLED
    assert team["salarie"].first_name == "Aline" and team["salarie"].status == UserStatus.ACTIVE
    assert recent.status == DemandeStatus.PENDING and recent.user.status == UserStatus.PENDING
    assert decided.status == DemandeStatus.REFUSED and decided.decision_comment == "Non."
    expired = events(db, "demande.expired")
    assert {event.target_id for event in expired} == {old_registration.id, old_modification.id}
    assert {(event.actor_type, event.ip) for event in expired} == {("system", "")}

    sent = len(outbox.messages())
    assert expire_stale_demandes() == 0  # idempotent
    assert len(outbox.messages()) == sent and len(events(db, "demande.expired")) == 2


def test_the_expiry_delay_is_a_setting(app, db, company, outside_request):
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": IP}):
        demande = ask(db, company)
    age(db, demande, days=2)
    app.config["DEMANDES_TTL"] = 3 * 24 * 3600
    assert expire_stale_demandes() == 0
    app.config["DEMANDES_TTL"] = 24 * 3600
    assert expire_stale_demandes() == 1


# --- Two deciders at the same moment ------------------------------------------------------------------


def test_approve_and_refuse_at_the_same_moment_make_exactly_one_decision(app, db, company, team):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so the two decisions never overlap")
    deciders = {"approve": team["mandataire"].id, "refuse": team["representant"].id}

    for round_number in range(8):
        demande_id = ask(db, company, username=f"course{round_number}", email=f"course{round_number}@logipro.fr").id
        barrier = threading.Barrier(2)
        outcomes: dict[str, str] = {}

        def decide_now(how: str) -> None:
            with app.app_context(), app.test_request_context("/demandes", environ_base={"REMOTE_ADDR": IP}):
                try:
                    actor = _db.session.get(User, deciders[how])
                    demande = _db.session.get(Demande, demande_id)
                    _ = demande.user  # loaded before the race
                    barrier.wait(timeout=10)
                    try:
                        if how == "approve":
                            approve(demande, actor)
                        else:
                            refuse(demande, actor, "Inconnu dans l'entreprise.")
                        _db.session.commit()
                        outcomes[how] = "decided"
                    except MembershipError as error:
                        _db.session.rollback()
                        outcomes[how] = "already decided" if str(error) == ALREADY_DECIDED else str(error)
                except Exception as error:  # reported by the assertion below, not lost in the thread
                    outcomes[how] = repr(error)
                finally:
                    _db.session.remove()

        threads = [threading.Thread(target=decide_now, args=(how,)) for how in deciders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(outcomes.values()) == ["already decided", "decided"], outcomes

        db.session.expire_all()
        demande = db.session.get(Demande, demande_id)
        user = demande.user
        winner = next(how for how, outcome in outcomes.items() if outcome == "decided")
        if winner == "approve":
            assert demande.status == DemandeStatus.APPROVED and demande.decided_by_id == deciders["approve"]
            assert user.status == UserStatus.ACTIVE and user.username == f"course{round_number}"
        else:
            assert demande.status == DemandeStatus.REFUSED and demande.decided_by_id == deciders["refuse"]
            assert user.status == UserStatus.DELETED and user.username.startswith("supprime-")
        decisions = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.target_type == "demande", AuditEvent.target_id == demande_id,
            AuditEvent.action.in_(["demande.registration_approved", "demande.registration_refused"])))
        assert decisions == 1


def test_a_person_signs_in_after_approval_and_setting_a_password(app, db, company, team, outbox, client):
    demande = ask(db, company)
    decide(db, demande, team["mandataire"])
    (link,) = [link for link in outbox.links(outbox.last("jean.benoit@logipro.fr")) if "/mot-de-passe/definir/" in link]
    token = link.rsplit("/", 1)[1]
    accounts.set_password_with_link(token, DEFAULT_PASSWORD + " 2", DEFAULT_PASSWORD + " 2")
    db.session.commit()
    assert accounts.sign_in("jbenoit", DEFAULT_PASSWORD + " 2").id == demande.user_id


def test_an_e_mail_taken_between_the_check_and_the_write_fails_cleanly(db, team, make_user, monkeypatch):
    demande = ask_change(db, team["salarie"], {"email": "nouvelle@logipro.fr"})
    make_user("salarie", email="nouvelle@logipro.fr")  # another account takes it meanwhile...
    monkeypatch.setattr("isc.personal_details.check_available", lambda *a, **k: None)  # ...after the check

    with pytest.raises(MembershipError, match="vient d'être prise") as refused:
        approve(demande, team["mandataire"])

    assert refused.value.field == "email"
    db.session.rollback()
    db.session.expire_all()
    assert demande.status == DemandeStatus.PENDING and team["salarie"].email == "aline.durand@logipro.fr"


@pytest.mark.parametrize("text", ["nul\x00", "escape\x1b[31m", "bell\x07"])
def test_control_characters_are_refused_in_comments_and_reasons(db, team, text):
    with pytest.raises(MembershipError, match="non autorisés") as refused:
        request_modification(team["salarie"], {"first_name": "Lina"}, text)
    assert refused.value.field == "comment"
    demande = ask(db, team["mandataire"].company)
    with pytest.raises(MembershipError, match="non autorisés"):
        refuse(demande, team["mandataire"], text)


def test_line_breaks_and_tabs_are_kept_in_a_reason(db, team, outbox):
    demande = ask(db, team["mandataire"].company)
    decide(db, demande, team["mandataire"], "Inconnu.\n\tMerci de contacter votre mandataire.")
    assert demande.decision_comment == "Inconnu.\n\tMerci de contacter votre mandataire."


def test_a_validated_change_of_e_mail_is_unproven_until_a_link_reaches_it(db, team):
    salarie = team["salarie"]
    assert salarie.email_verified_at is not None
    demande = ask_change(db, salarie, {"email": "aline.nouvelle@logipro.fr"})

    decide(db, demande, team["mandataire"])

    assert salarie.email == "aline.nouvelle@logipro.fr" and salarie.email_verified_at is None
