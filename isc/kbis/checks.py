"""The checks a Kbis must pass for a mandataire's registration, each with its French message.

Name matching rule: the last names are equal once accents, case, spaces, hyphens and
apostrophes are ignored ("Lévêque-d'Artois" = "LEVEQUE D ARTOIS"), or the applicant's last name
equals the director's "Nom d'usage"; and every first name the applicant gives appears among the
director's first names, in any order, hyphenated parts counting as separate names. So
"Pierre-François" matches "DURAND Pierre François Marie", and "Pierre" matches "DURAND
Pierre-François" (anyone may use one of their first names: the identity check compares the
applicant with their ID document), but "Pierre-François" does not match "DURAND Pierre".
"""

import re
from dataclasses import dataclass
from datetime import date

from stdnum.fr import siren as siren_number

from isc.kbis.dates import format_french_date
from isc.kbis.extract import Dirigeant, KbisExtract
from isc.kbis.files import CONTACT_SUPPORT
from isc.kbis.vocabulary import fold, is_legal_representative

EXTRACT_RECENT = "extract_recent"
SIREN_VALID = "siren_valid"
APPLICANT_IS_REPRESENTATIVE = "applicant_is_representative"
DEFAULT_MAX_AGE_DAYS = 92


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: a machine code, passed or not, a French message for people."""

    code: str
    passed: bool
    message: str


def check_extract(
    extract: KbisExtract, *, applicant_first_name: str, applicant_last_name: str, today: date,
    max_age_days: int = DEFAULT_MAX_AGE_DAYS,
) -> list[CheckResult]:
    """Run every check of a Kbis for the applicant named; all must pass for the registration."""
    return [
        check_recent(extract, today=today, max_age_days=max_age_days),
        check_siren(extract),
        check_applicant(extract, first_name=applicant_first_name, last_name=applicant_last_name),
    ]


def check_recent(
    extract: KbisExtract, *, today: date, max_age_days: int = DEFAULT_MAX_AGE_DAYS
) -> CheckResult:
    """The "à jour au" date is at most `max_age_days` before `today` (and not after it)."""
    limit = _age_limit(max_age_days)
    if extract.extract_date is None:
        return _failed(EXTRACT_RECENT, (
            "La date de mise à jour de l'extrait Kbis (« à jour au ») n'a pas pu être lue. "
            f"Déposez un extrait Kbis de moins de {limit}."
        ))
    printed = format_french_date(extract.extract_date)
    if extract.extract_date > today:
        return _failed(EXTRACT_RECENT, (
            f"L'extrait Kbis est daté du {printed}, une date à venir : vérifiez le document déposé."
        ))
    if (today - extract.extract_date).days > max_age_days:
        return _failed(EXTRACT_RECENT, (
            f"L'extrait Kbis est à jour au {printed} : il a plus de {limit}. Déposez un extrait "
            f"Kbis de moins de {limit}, à obtenir auprès du greffe ou sur infogreffe.fr."
        ))
    return _passed(EXTRACT_RECENT, (
        f"L'extrait Kbis est à jour au {printed} : il a moins de {limit}."
    ))


def _age_limit(days: int) -> str:
    """"3 mois" for 92 days (or 90, 91), "45 jours" when the limit is no whole number of months."""
    months = round(days / 30.5)
    return f"{months} mois" if months >= 2 and abs(days - months * 30.5) <= 2 else f"{days} jours"


def check_siren(extract: KbisExtract) -> CheckResult:
    """The SIREN is 9 digits with a valid check digit."""
    if extract.siren is None:
        return _failed(SIREN_VALID, (
            f"Le numéro SIREN n'a pas pu être lu sur l'extrait Kbis. {CONTACT_SUPPORT}"
        ))
    printed = siren_number.format(extract.siren)
    if not siren_number.is_valid(extract.siren):
        return _failed(SIREN_VALID, (
            f"Le numéro SIREN lu sur l'extrait Kbis ({printed}) n'est pas valide. {CONTACT_SUPPORT}"
        ))
    return _passed(SIREN_VALID, f"Le numéro SIREN {printed} est valide.")


def check_applicant(extract: KbisExtract, *, first_name: str, last_name: str) -> CheckResult:
    """The applicant is one of the directors, in a role that represents the company."""
    code, applicant = APPLICANT_IS_REPRESENTATIVE, f"{first_name.strip()} {last_name.strip()}"
    if not extract.dirigeants:
        return _failed(code, (
            f"Aucun dirigeant n'a pu être lu sur l'extrait Kbis. {CONTACT_SUPPORT}"
        ))
    named = [d for d in extract.dirigeants if names_match(first_name, last_name, d)]
    representing = [d for d in named if is_legal_representative(d.role)]
    if representing:
        role = representing[0].role
        return _passed(code, f"{applicant} figure sur l'extrait Kbis comme « {role} ».")
    if named:
        role = named[0].role or "fonction non lue"
        return _failed(code, (
            f"{applicant} figure sur l'extrait Kbis comme « {role} », qui n'est pas une fonction "
            "de représentant légal (président, directeur général, gérant...). Seul un "
            "représentant légal de l'entreprise peut s'inscrire comme mandataire."
        ))
    return _failed(code, (
        f"Votre prénom et votre nom ({applicant}) ne figurent pas parmi les dirigeants de "
        "l'extrait Kbis. Vérifiez qu'ils sont saisis comme sur votre pièce d'identité. "
        f"{CONTACT_SUPPORT}"
    ))


def _passed(code: str, message: str) -> CheckResult:
    return CheckResult(code, True, message)


def _failed(code: str, message: str) -> CheckResult:
    return CheckResult(code, False, message)


def names_match(first_name: str, last_name: str, dirigeant: Dirigeant) -> bool:
    """The applicant's names match this director's (see the rule in this module's docstring)."""
    if dirigeant.legal_person:
        return False
    wanted = _letters(last_name)
    given = set(_words(first_name))
    last_names = {_letters(dirigeant.last_name), _letters(dirigeant.usage_name)} - {""}
    director_first_names = set(_words(dirigeant.first_names))
    return bool(wanted and given) and wanted in last_names and given <= director_first_names


def _letters(name: str) -> str:
    """Only the letters and digits of a folded name: "D'Artois-Le Brun" → "dartoislebrun"."""
    return re.sub(r"[\W_]", "", fold(name))


def _words(names: str) -> list[str]:
    """The folded words of first names, hyphens splitting: "Pierre-François" → pierre, francois."""
    return re.sub(r"[\W_]", " ", fold(names)).split()
