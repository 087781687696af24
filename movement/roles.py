"""
What each role may do in the "Dân vận khéo" movement's records.

The actions (`grant`) are what the services, pages, admin and API ask, at the record's unit
(danvan.org.permissions). The Django permissions (`register`) only drive the admin's menus.
"""

from danvan.org.models import Role
from danvan.org.permissions import grant
from danvan.org.roles import register

# Actions and the unit each is checked at (docs/architecture.md, "One authorization rule").
RECORD = "movement.record"  # register a model, edit it, add evidence: at the model's unit
REPORT_FIGURES = "movement.report_figures"  # report or correct indicator figures: at the unit
# Review, recognise, mark replicated or drop a model: at the recognising unit, which is the
# model's unit or one above it (its steering committee's level).
REVIEW = "movement.review"
RECORD_DIALOGUE = "movement.record_dialogue"  # record a dialogue and its issues: at its unit
MANAGE_INDICATORS = "movement.manage_indicators"  # the national list of indicators: at the root

_CADRE, _HANDLER = Role.COMMUNE_CADRE, Role.PETITION_HANDLER
_SUPERVISOR, _ADMIN = Role.SUPERVISOR, Role.ADMINISTRATOR
grant(RECORD, _CADRE, _SUPERVISOR, _ADMIN)
grant(REPORT_FIGURES, _CADRE, _SUPERVISOR, _ADMIN)
grant(REVIEW, _SUPERVISOR, _ADMIN)
grant(RECORD_DIALOGUE, _CADRE, _SUPERVISOR, _ADMIN)
grant(MANAGE_INDICATORS, _ADMIN)

_READ = (
    "movement.view_movementmodel",
    "movement.view_indicatorreport",
    "movement.view_dialogue",
    "movement.view_indicator",
)
_WRITE = (
    *_READ,
    "movement.add_movementmodel",
    "movement.change_movementmodel",
    "movement.add_indicatorreport",
    "movement.add_dialogue",
    "movement.change_dialogue",
)
register(Role.COMMUNE_CADRE, *_WRITE)
register(Role.PETITION_HANDLER, *_READ)
register(Role.SUPERVISOR, *_WRITE)
register(Role.ADMINISTRATOR, *_WRITE, "movement.add_indicator", "movement.change_indicator")
