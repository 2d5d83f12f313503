"""A person's details as typed (registration, modification, new collaborator): normal forms,
French messages naming the field, how they are shown, and which usernames and e-mails are free."""

import pytest

from isc.models import Civility, Registration, RegistrationStatus, UserStatus
from isc.personal_details import (
    EMAIL_TAKEN,
    LABELS,
    USERNAME_TAKEN,
    FieldError,
    change_row,
    check_available,
    clean,
    shown,
    stored,
)

ALL_FIELDS = ("username", "civility", "first_name", "last_name", "email", "direct_phone", "phone")
TYPED = {
    "username": "  Jean.Benoit ",
    "civility": "monsieur",
    "first_name": "  Jean   Benoit ",
    "last_name": "Durand-O'Neil",
    "email": " Jean.Benoit@Entreprise-UC.FR ",
    "direct_phone": "01 23 45 67 89",
    "phone": "06 12 34 56 78",
}


def test_labels_are_the_guide_s_in_display_order():
    assert list(LABELS.items()) == [
        ("civility", "Civilité"),
        ("first_name", "Prénom"),
        ("last_name", "Nom"),
        ("email", "Adresse e-mail"),
        ("direct_phone", "N° de téléphone direct"),
        ("phone", "N° de téléphone"),
    ]


def test_clean_returns_the_stored_forms():
    assert clean(TYPED, ALL_FIELDS) == {
        "username": "jean.benoit",
        "civility": Civility.MONSIEUR,
        "first_name": "Jean Benoit",
        "last_name": "Durand-O'Neil",
        "email": "jean.benoit@entreprise-uc.fr",
        "direct_phone": "+33123456789",
        "phone": "+33612345678",
    }


def test_clean_keeps_only_the_fields_asked_for():
    assert clean(TYPED, ("first_name", "phone")) == {"first_name": "Jean Benoit", "phone": "+33612345678"}


def test_the_optional_phone_may_be_left_empty():
    assert clean({**TYPED, "phone": "   "}, ALL_FIELDS)["phone"] == ""
    assert clean({k: v for k, v in TYPED.items() if k != "phone"}, ALL_FIELDS)["phone"] == ""


@pytest.mark.parametrize("field, value, message", [
    ("username", "ab", "entre 3 et 64 caractères"),
    ("username", "jean benoit", "ne peut contenir que des lettres sans accent"),
    ("username", "élodie", "ne peut contenir que des lettres sans accent"),
    ("civility", "", "Sélectionnez votre civilité."),
    ("civility", "docteur", "Sélectionnez votre civilité."),
    ("first_name", "   ", "Le prénom est obligatoire."),
    ("first_name", "Jean2", "Le prénom ne peut contenir que des lettres"),
    ("last_name", "<script>", "Le nom ne peut contenir que des lettres"),
    ("last_name", "D" * 101, "Le nom ne peut pas dépasser 100 caractères."),
    ("email", "jean.benoit", "L'adresse e-mail n'est pas valide"),
    ("email", "", "L'adresse e-mail n'est pas valide"),
    ("direct_phone", "", "Le numéro de téléphone n'est pas valide"),
    ("direct_phone", "12", "Le numéro de téléphone n'est pas valide"),
    ("phone", "abc", "Le numéro de téléphone n'est pas valide"),
])
def test_a_refused_value_names_its_field_in_french(field, value, message):
    with pytest.raises(FieldError) as refused:
        clean({**TYPED, field: value}, ALL_FIELDS)
    assert refused.value.field == field
    assert message in str(refused.value)


@pytest.mark.parametrize("value", [["jean"], 42, {"a": 1}, b"jean"])
def test_a_value_that_is_not_text_is_refused_not_crashed_on(value):
    with pytest.raises(FieldError, match="Valeur invalide.") as refused:
        clean({**TYPED, "first_name": value}, ALL_FIELDS)
    assert refused.value.field == "first_name"


def test_the_first_refused_field_in_form_order_is_reported():
    with pytest.raises(FieldError) as refused:
        clean({**TYPED, "civility": "", "email": "x"}, ALL_FIELDS)
    assert refused.value.field == "civility"


@pytest.mark.parametrize("field, value, expected", [
    ("civility", Civility.MADAME, "Madame"),
    ("civility", "monsieur", "Monsieur"),
    ("direct_phone", "+33123456789", "+33 1 23 45 67 89"),
    ("phone", "+4915123456789", "+49 1512 3456789"),
    ("phone", "", ""),
    ("phone", None, ""),
    ("email", "jean@entreprise.fr", "jean@entreprise.fr"),
    ("first_name", "Jean Benoit", "Jean Benoit"),
])
def test_shown_is_how_people_read_a_detail(field, value, expected):
    assert shown(field, value) == expected


def test_stored_keeps_enums_by_value_and_absent_values_empty():
    assert stored(Civility.MONSIEUR) == "monsieur"
    assert stored(None) == ""
    assert stored("+33123456789") == "+33123456789"


def test_change_row_is_label_before_after_as_shown():
    assert change_row("direct_phone", "+33123456789", "+33123456799") == (
        "N° de téléphone direct", "+33 1 23 45 67 89", "+33 1 23 45 67 99")
    assert change_row("civility", Civility.MADAME, "monsieur") == ("Civilité", "Madame", "Monsieur")


# --- Availability ------------------------------------------------------------------------------------


def test_free_username_and_email_pass(app, make_user):
    make_user(username="camille", email="camille@entreprise.fr")
    check_available("jean.benoit", "jean.benoit@entreprise.fr")
    check_available()  # nothing to check


@pytest.mark.parametrize("status", list(UserStatus))
def test_a_username_or_email_of_any_account_is_taken(app, make_user, status):
    make_user(username="camille", email="camille@entreprise.fr", status=status)
    with pytest.raises(FieldError, match=USERNAME_TAKEN) as taken:
        check_available("camille", "autre@entreprise.fr")
    assert taken.value.field == "username"
    with pytest.raises(FieldError, match="inscription en cours utilise déjà cette adresse") as taken:
        check_available("autre", "camille@entreprise.fr")
    assert taken.value.field == "email"
    assert str(taken.value) == EMAIL_TAKEN


def test_one_s_own_account_does_not_take_one_s_own_email(app, make_user):
    user = make_user(username="camille", email="camille@entreprise.fr")
    check_available("camille", "camille@entreprise.fr", except_user_id=user.id)


@pytest.mark.parametrize("status", [RegistrationStatus.DRAFT, RegistrationStatus.IDENTITY_CHECK,
                                    RegistrationStatus.IN_REVIEW])
def test_a_mandataire_registration_in_progress_holds_its_username_and_email(app, db, status):
    registration = Registration(status=status, username="pdurand", email="pdurand@logipro.fr")
    db.session.add(registration)
    db.session.commit()
    with pytest.raises(FieldError) as taken:
        check_available("pdurand", None)
    assert taken.value.field == "username"
    with pytest.raises(FieldError) as taken:
        check_available(None, "pdurand@logipro.fr")
    assert taken.value.field == "email"
    check_available("pdurand", "pdurand@logipro.fr", except_registration_id=registration.id)


@pytest.mark.parametrize("status", [RegistrationStatus.REFUSED, RegistrationStatus.EXPIRED])
def test_a_finished_mandataire_registration_frees_its_names(app, db, status):
    db.session.add(Registration(status=status, username="pdurand", email="pdurand@logipro.fr"))
    db.session.commit()
    check_available("pdurand", "pdurand@logipro.fr")
