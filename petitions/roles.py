"""
What each role may do with petitions.

The actions (`grant`) are what the services, pages, admin and API ask, at the record's unit
(danvan.org.permissions). The Django permissions (`register`) only drive the admin's menus
and model pages; they grant no action anywhere.
"""

from danvan.org.models import Role
from danvan.org.permissions import grant
from danvan.org.roles import register

# Actions and the unit each is checked at (docs/architecture.md, "One authorization rule").
INTAKE = "petition.intake"  # record a petition: at its receiving unit
RECORD_SESSION = "petition.record_reception_session"  # at the session's unit
CORRECT = "petition.correct"  # correct recorded details: at the receiving or handling unit
ATTACH = "petition.attach"  # add a file: at the receiving or handling unit
NOTE = "petition.note"  # leave an internal note: at the receiving or handling unit
# Be given a petition to work on (its assignee): a post held at the handling unit itself, never
# a leader's above it.
TAKE_ASSIGNMENT = "petition.take_assignment"
HANDLE = "petition.handle"  # every workflow step, assign, link, duplicates: at the handling unit
EXTEND = "petition.extend"  # extend a deadline by decision: at the handling unit
DELETE = "petition.delete"  # delete one recorded by mistake: at the receiving unit
# Change a deadline policy in the admin: at the policy's unit (a national one: the root).
MANAGE_DEADLINE_POLICY = "petition.manage_deadline_policy"
MANAGE_FIELDS = "petition.manage_fields"  # the national list of fields (lĩnh vực): at the root
# Give someone the right to see denouncers (an IdentityGrant): at the granted unit.
GRANT_IDENTITY = "petition.grant_identity"
# Who works with a petition's citizens and so sees their CCCD and phone in full, without a
# reveal (asked with `permissions.holds`: a post, not a superuser's pass): the handling unit's
# handlers and the receiving unit's commune cadres.
NUMBERS_AT_HANDLING_UNIT = "petition.numbers_at_handling_unit"
NUMBERS_AT_RECEIVING_UNIT = "petition.numbers_at_receiving_unit"

_CADRE, _HANDLER = Role.COMMUNE_CADRE, Role.PETITION_HANDLER
_SUPERVISOR, _ADMIN = Role.SUPERVISOR, Role.ADMINISTRATOR
grant(INTAKE, _CADRE, _HANDLER, _SUPERVISOR)
grant(RECORD_SESSION, _CADRE, _HANDLER, _SUPERVISOR)
grant(CORRECT, _HANDLER, _SUPERVISOR, _ADMIN)
grant(ATTACH, _CADRE, _HANDLER, _SUPERVISOR)
grant(NOTE, _CADRE, _HANDLER, _SUPERVISOR, _ADMIN)
grant(TAKE_ASSIGNMENT, _CADRE, _HANDLER)
grant(HANDLE, _HANDLER, _SUPERVISOR, _ADMIN)
grant(EXTEND, _SUPERVISOR, _ADMIN)
grant(DELETE, _ADMIN)
grant(MANAGE_DEADLINE_POLICY, _ADMIN)
grant(MANAGE_FIELDS, _ADMIN)
grant(GRANT_IDENTITY, _SUPERVISOR, _ADMIN)
grant(NUMBERS_AT_HANDLING_UNIT, _HANDLER)
grant(NUMBERS_AT_RECEIVING_UNIT, _CADRE)

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
    "petitions.add_attachment",
    "petitions.view_receptionsession",
    "petitions.add_receptionsession",
    "petitions.view_petitionfield",
    "petitions.view_deadlinepolicy",
    "petitions.view_notice",
    "petitions.view_noticepolicy",
)
register(
    Role.SUPERVISOR,
    "petitions.view_petition",
    "petitions.add_petition",
    "petitions.change_petition",
    "petitions.add_attachment",
    "petitions.view_identitygrant",
    "petitions.add_identitygrant",
    "petitions.view_receptionsession",
    "petitions.add_receptionsession",
    "petitions.view_petitionfield",
    "petitions.view_deadlinepolicy",
    "petitions.view_notice",
    "petitions.view_noticepolicy",
)
register(
    Role.ADMINISTRATOR,
    "petitions.view_petition",
    "petitions.change_petition",
    "petitions.delete_petition",
    "petitions.view_receptionsession",
    "petitions.view_petitionfield",
    "petitions.add_petitionfield",
    "petitions.change_petitionfield",
    "petitions.view_deadlinepolicy",
    "petitions.add_deadlinepolicy",
    "petitions.change_deadlinepolicy",
    "petitions.delete_deadlinepolicy",
    "petitions.view_notice",
    "petitions.view_noticepolicy",
    "petitions.add_noticepolicy",
    "petitions.change_noticepolicy",
    "petitions.delete_noticepolicy",
    "petitions.view_identityaccesslog",
    "petitions.view_identitygrant",
    "petitions.add_identitygrant",
)
