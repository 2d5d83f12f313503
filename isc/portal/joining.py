"""Registration as représentant or salarié (guide: « Création de compte en tant que représentant
ou salarié »): « Votre entreprise » (Chercher), « Informations personnelles », « Validation »."""

from flask import Blueprint

blueprint = Blueprint("joining", __name__)
