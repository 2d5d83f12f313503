"""The console's home: dossiers waiting, overdue, decided today, average decision time."""

import sqlalchemy as sa
from flask_admin import AdminIndexView, expose

from isc import agent_auth, review
from isc.admin.access import SecureView, console_agent
from isc.extensions import db
from isc.models import ChangeStatus, CompanyChangeRequest


class HomeView(SecureView, AdminIndexView):
    @expose("/")
    def index(self):
        agent = console_agent()
        pending_changes = db.session.scalar(
            sa.select(sa.func.count()).select_from(CompanyChangeRequest)
            .where(CompanyChangeRequest.status == ChangeStatus.PENDING)
        )
        return self.render(
            "admin/isc/home.html", figures=review.figures(), pending_changes=pending_changes,
            recovery_left=agent_auth.remaining_recovery_codes(agent),
        )
