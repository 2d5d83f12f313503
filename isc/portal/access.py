"""Who may open portal pages: signed-in company users only (agents use the console)."""

import functools

from flask import abort
from flask_login import current_user

from isc.extensions import login_manager
from isc.models import User


def user_required(view):
    """Let only a signed-in company user through; others are sent to the sign-in page."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not isinstance(current_user._get_current_object(), User):
            abort(403)
        return view(*args, **kwargs)

    return guarded
