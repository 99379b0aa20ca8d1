import pytest

from signals.bodies import BodyKind, all_kinds, get_kind, kind_choices

KINDS = ["rekenkamer", "klachtencommissaris", "bezwarencommissie", "fg", "ombudsman", "overig"]


def test_every_kind_of_body_has_its_own_module():
    assert [kind.code for kind in all_kinds()] == KINDS
    assert [code for code, _ in kind_choices()] == KINDS


@pytest.mark.parametrize("code", KINDS)
def test_each_kind_declares_a_label_and_its_own_taxonomy(code):
    kind = get_kind(code)
    assert isinstance(kind, BodyKind)
    assert str(kind.label)
    assert str(kind.description)
    assert str(kind.taxonomy_label)
    if code != "overig":  # the other bodies classify freely
        assert len(kind.taxonomy) >= 4
        assert str(kind.category_label(kind.taxonomy[0].code))


def test_the_ombudsman_groups_its_norms_in_four_clusters():
    groups = get_kind("ombudsman").taxonomy_groups()
    assert len(groups) == 4
    assert next(str(group) for group, _ in groups) in {"Open and clear", "Open en duidelijk"}


def test_unknown_kinds_are_refused():
    with pytest.raises(LookupError):
        get_kind("gemeenteraad")
