"""Every factory builds a valid row (so other apps' tests can rely on them)."""

from tests.petitions import factories as f


def test_every_factory_builds_a_saved_row(tree, handler_a):
    petition = f.PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    other = f.PetitionFactory(actor=handler_a, unit=tree.commune_a1)

    rows = [
        f.PetitionFieldFactory(),
        f.DeadlinePolicyFactory(unit=tree.commune_a1),
        f.PetitionCodeCounterFactory(unit=tree.commune_a2),
        f.PetitionerFactory(),
        f.ReceptionSessionFactory(unit=tree.commune_a1),
        f.PetitionPetitionerFactory(petition=petition),
        f.RespondentFactory(petition=petition),
        f.AttachmentFactory(petition=petition),
        f.PetitionLinkFactory(petition=petition, target=other),
        f.AnswerFactory(petition=petition),
        f.SuspensionFactory(petition=petition),
        f.ExtensionFactory(petition=petition),
        f.TransferFactory(petition=petition, from_unit=tree.commune_a1, to_unit=tree.commune_a2),
        f.PetitionEventFactory(petition=petition),
        f.IdentityAccessLogFactory(petition=petition),
    ]

    assert all(row.pk for row in rows)
    assert all(str(row) for row in rows)
