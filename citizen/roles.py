"""
The citizen's side grants no action of its own: notices are petition.handle (petitions.roles),
the look-up and Open311 are public. Who works with petitions sees, in the admin, what was
sent to their citizens (addresses masked).
"""

from danvan.org.models import Role
from danvan.org.roles import register

for _role in (Role.PETITION_HANDLER, Role.SUPERVISOR, Role.ADMINISTRATOR):
    register(_role, "citizen.view_citizenmessage")
