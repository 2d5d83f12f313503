"""Pages of information about the service: the conditions générales d'utilisation (CGU)."""

from flask import Blueprint, render_template

from isc.passwords import MIN_LENGTH

blueprint = Blueprint("pages", __name__)

# Version of the CGU shown at /cgu. A registration records the version the person accepted:
# change it (and CGU_DATE) with every change of the text in portal/pages/cgu.html.
CGU_VERSION = "1.0"
CGU_DATE = "1er décembre 2026"


@blueprint.route("/cgu")
def cgu():
    return render_template(
        "portal/pages/cgu.html", version=CGU_VERSION, date=CGU_DATE, password_min_length=MIN_LENGTH
    )
