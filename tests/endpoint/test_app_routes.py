"""The route table is GFD.223's table: every verb on every path, nothing more.

§7 (query interface), §8 (entities), §9 (collections); the admin path /-/faults is ours.
"""

from __future__ import annotations

from occi_operator.endpoint.negotiation import Purpose
from occi_operator.endpoint.routes import ROUTES, Target, allowed_methods

Q, E, K, M = Target.QUERY, Target.ENTITY, Target.KIND, Target.MIXIN

SPECIFIED = {
    (Q, "GET", False), (Q, "POST", False), (Q, "DELETE", False),  # §7.1, §7.3, §7.4
    (E, "GET", False), (E, "PUT", False), (E, "POST", False), (E, "POST", True),  # §8.1-8.3
    (E, "DELETE", False),  # §8.4
    (K, "GET", False), (K, "POST", False), (K, "POST", True), (K, "DELETE", False),  # §9
    (M, "GET", False), (M, "PUT", False), (M, "POST", False), (M, "POST", True),  # §9.2-9.3
    (M, "DELETE", False),  # §9.4.2
}


def test_the_table_holds_exactly_the_specified_verbs_and_the_admin_path() -> None:
    ours = {key for key in ROUTES if key[0] is not Target.FAULTS}
    assert ours == SPECIFIED
    assert {key for key in ROUTES if key[0] is Target.FAULTS} == {
        (Target.FAULTS, "GET", False), (Target.FAULTS, "PUT", False)
    }


def test_only_creates_are_marked_as_creates_and_answer_locations() -> None:
    creates = {key for key, route in ROUTES.items() if route.creates}
    assert creates == {(K, "POST", False)}
    assert ROUTES[(K, "POST", False)].purpose is Purpose.LOCATIONS


def test_allow_lists_head_with_get_and_always_options() -> None:
    assert allowed_methods(Q) == ("GET", "POST", "DELETE", "HEAD", "OPTIONS")
    assert "PUT" not in allowed_methods(K)
    assert "PUT" in allowed_methods(M)
