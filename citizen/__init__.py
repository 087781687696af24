"""
The citizen's side: Open311 GeoReport v2 intake (citizen.open311), the public status look-up
(citizen.lookup). The notices the law requires are petitions' (petitions.notices); their
delivery to the citizen is the notify outbox's (danvan.notify.citizen).
"""
