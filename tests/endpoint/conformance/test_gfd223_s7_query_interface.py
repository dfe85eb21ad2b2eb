"""GFD.223 §7: the query interface at ``/-/`` and ``/.well-known/org/ogf/occi/-/``.

§7.1 GET lists every kind, mixin and action (a filter narrows it), §7.3 POST adds user
mixins, §7.4 DELETE removes them; PUT is not defined (§7.2).
"""

from __future__ import annotations

import httpx
import pytest
from occi_http import ENTITY_RENDERINGS, categories_of, media_type, request_kwargs

from occi_operator.occi import vocabulary as v
from occi_operator.occi.categories import Mixin, QueryInterface
from occi_operator.occi.entities import Filter
from occi_operator.occi.rendering import rendering_for

QUERY_PATHS = ["/-/", "/.well-known/org/ogf/occi/-/"]
TAG = Mixin(scheme="http://example.org/my/tags#", term="blue", title="Blue", location="/blue/")


@pytest.mark.parametrize("path", QUERY_PATHS)
@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_s7_1_get_lists_every_kind_mixin_and_action(
    http: httpx.AsyncClient, path: str, rendering: str
) -> None:
    """§7.1: 200 and a category collection with the infrastructure kinds and actions."""
    response = await http.get(path, headers={"Accept": rendering})
    assert response.status_code == 200
    assert media_type(response) == rendering
    found = categories_of(response)
    type_ids = {category.type_id for category in found}
    for kind in (v.COMPUTE_KIND, v.NETWORK_KIND, v.STORAGE_KIND, v.NETWORKINTERFACE_KIND,
                 v.STORAGELINK_KIND):
        assert kind in type_ids
    assert v.COMPUTE_START in type_ids
    assert v.OS_TPL_MIXIN in type_ids
    assert v.RESOURCE_TPL_MIXIN in type_ids
    compute = found.find(v.COMPUTE_KIND)
    assert compute is not None
    assert getattr(compute, "location", None) == "/compute/"


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_s7_1_a_filter_narrows_the_categories(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """§7.1: a request carrying a filter rendering gets only the matching categories."""
    message = rendering_for(rendering).render_filter(Filter(categories=(v.COMPUTE_KIND,)))
    response = await http.request("GET", "/-/", **request_kwargs(message, accept=rendering))
    assert response.status_code == 200
    type_ids = {category.type_id for category in categories_of(response)}
    assert v.COMPUTE_KIND in type_ids
    assert v.STORAGE_KIND not in type_ids


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_s7_3_and_s7_4_post_adds_and_delete_removes_a_user_mixin(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """§7.3 POST a mixin → 200 and listed at /-/; §7.4 DELETE it → 200 and gone."""
    message = rendering_for(rendering).render_query_interface(QueryInterface(mixins=(TAG,)))
    added = await http.post("/-/", **request_kwargs(message, accept=rendering))
    assert added.status_code == 200, added.text
    listed = categories_of(await http.get("/-/", headers={"Accept": rendering}))
    assert listed.find(TAG.type_id) is not None
    collection = await http.get("/blue/")
    assert collection.status_code == 200

    removed = await http.request("DELETE", "/-/", **request_kwargs(message, accept=rendering))
    assert removed.status_code == 200, removed.text
    listed = categories_of(await http.get("/-/", headers={"Accept": rendering}))
    assert listed.find(TAG.type_id) is None


async def test_s7_3_post_of_a_kind_is_refused(http: httpx.AsyncClient) -> None:
    """§7.3: only mixins can be added by a client; a kind is a 400."""
    body = (
        'Category: thing; scheme="http://example.org/k#"; class="kind"; location="/thing/"\n'
    )
    response = await http.post("/-/", content=body, headers={"Content-Type": "text/plain"})
    assert response.status_code == 400


async def test_s7_2_put_is_not_defined(http: httpx.AsyncClient) -> None:
    """§7.2 PUT: N/A → 405."""
    response = await http.put("/-/", content=b"", headers={"Content-Type": "text/plain"})
    assert response.status_code == 405
