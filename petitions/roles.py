"""What each role may do with petitions (which rows is the selectors' job)."""

from danvan.org.models import Role
from danvan.org.roles import register

# No role lets anyone see a denouncer's identity: an IdentityGrant does, per person and unit
# (petitions.selectors.identity_grant_covers). Supervisors and administrators may give grants
# (the admin's menu needs the model permissions; the service checks the unit).
register(
    Role.COMMUNE_CADRE,
    "petitions.view_petition",
    "petitions.add_petition",
    "petitions.add_attachment",
    "petitions.view_receptionsession",
    "petitions.add_receptionsession",
)
register(
    Role.PETITION_HANDLER,
    "petitions.view_petition",
    "petitions.add_petition",
    "petitions.change_petition",
    "petitions.handle_petition",
    "petitions.add_attachment",
    "petitions.view_receptionsession",
    "petitions.add_receptionsession",
    "petitions.view_petitionfield",
    "petitions.view_deadlinepolicy",
)
register(
    Role.SUPERVISOR,
    "petitions.view_petition",
    "petitions.add_petition",
    "petitions.change_petition",
    "petitions.handle_petition",
    "petitions.extend_deadline",
    "petitions.add_attachment",
    "petitions.view_identitygrant",
    "petitions.add_identitygrant",
    "petitions.view_receptionsession",
    "petitions.add_receptionsession",
    "petitions.view_petitionfield",
    "petitions.view_deadlinepolicy",
)
register(
    Role.ADMINISTRATOR,
    "petitions.view_petition",
    "petitions.change_petition",
    "petitions.delete_petition",
    "petitions.handle_petition",
    "petitions.extend_deadline",
    "petitions.view_receptionsession",
    "petitions.view_petitionfield",
    "petitions.add_petitionfield",
    "petitions.change_petitionfield",
    "petitions.view_deadlinepolicy",
    "petitions.add_deadlinepolicy",
    "petitions.change_deadlinepolicy",
    "petitions.delete_deadlinepolicy",
    "petitions.view_identityaccesslog",
    "petitions.view_identitygrant",
    "petitions.add_identitygrant",
)
