"""The OCCI Platform kinds through the generic flow: Application, Component, ComponentLink.

Against the embedded endpoint (no provisioning delay): a stack of an application linked to
a database component comes to Ready; the link waits for its ends; run state, template
resize and deletion guards; the database token reaches neither the status nor the events.
"""

from __future__ import annotations

import json
from typing import Any

from flow_support import NAMESPACE, Stack

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import OCCIClient
from occi_operator.occi.entities import Link
from occi_operator.reconciler.adapters import ApplicationAdapter, ComponentLinkAdapter
from occi_operator.reconciler.outcome import OutcomeKind

APP = {"context": "https://git.example.org/shop.git", "applicationTemplate": "python-3.12",
       "resourceTemplate": "small"}
DB = {"applicationTemplate": "postgresql-16", "database": {}}
LINK = {"source": {"applicationRef": {"name": "shop"}},
        "target": {"componentRef": {"name": "db"}}, "databaseLink": True}


async def _ready(stack: Stack, kind: str, name: str, resource: dict[str, Any]) -> None:
    stack.apply(kind, name, resource)
    outcome = await stack.settle(kind, name)
    assert outcome.kind is OutcomeKind.DONE, (kind, outcome.message)


async def _paas(stack: Stack) -> None:
    await _ready(stack, "Component", "db", DB)
    await _ready(stack, "Application", "shop", APP)
    await _ready(stack, "ComponentLink", "shop-db", LINK)


async def test_create_full_stack_application_linked_to_a_database(
    stack: Stack, http: OCCIClient
) -> None:
    await _paas(stack)
    app = stack.read("Application", "shop").status
    assert app["url"].startswith("http")
    assert app["runState"] == "Running"
    assert (app["applicationTemplate"], app["resourceTemplate"]) == ("python-3.12", "small")
    db = stack.read("Component", "db").status
    assert db["databaseVersion"]
    assert db["applicationTemplate"] == "postgresql-16"
    link = stack.read("ComponentLink", "shop-db").status
    assert link["source"] == app["location"]
    assert link["target"] == db["location"]
    assert link["databaseUri"]
    assert link["databaseUsername"]
    remote = await http.get(link["location"])
    assert isinstance(remote, Link)
    assert v.DATABASELINK_MIXIN in remote.mixins
    token = remote.attributes[v.DATABASE_TOKEN]
    assert isinstance(token, str)
    assert len(token) >= 8
    assert token not in json.dumps(stack.read("ComponentLink", "shop-db").status)
    assert v.DATABASE_TOKEN not in link.get("attributes", {})
    assert all(token not in event.message for event in stack.kube.events)


async def test_create_minimal_component(stack: Stack, http: OCCIClient) -> None:
    await _ready(stack, "Component", "cache", {})
    status = stack.read("Component", "cache").status
    remote = await http.get(status["location"])
    assert remote.kind == v.COMPONENT_KIND
    assert remote.mixins == ()
    assert status["state"] == "active"
    assert "databaseVersion" not in status


async def test_dependency_link_waits_for_its_ends(stack: Stack) -> None:
    stack.apply("ComponentLink", "early", LINK)
    outcome = await stack.step("ComponentLink", "early")
    assert outcome.kind is OutcomeKind.WAITING
    assert outcome.message == "Waiting for Application/shop to exist"
    await _ready(stack, "Application", "shop", APP)
    outcome = await stack.step("ComponentLink", "early")
    assert outcome.message == "Waiting for Component/db to exist"


async def test_update_run_state_stops_and_starts_the_application(
    stack: Stack, http: OCCIClient
) -> None:
    await _ready(stack, "Application", "shop", APP)
    await _ready(stack, "Application", "shop", {**APP, "runState": "Stopped"})
    status = stack.read("Application", "shop").status
    assert (status["state"], status["runState"]) == ("inactive", "Stopped")
    assert (await http.get(status["location"])).attributes[v.APP_STATE] == "inactive"
    await _ready(stack, "Application", "shop", APP)
    assert stack.read("Application", "shop").status["runState"] == "Running"


async def test_update_resource_template_resizes_the_application(stack: Stack) -> None:
    await _ready(stack, "Application", "shop", APP)
    await _ready(stack, "Application", "shop", {**APP, "resourceTemplate": "large"})
    assert stack.read("Application", "shop").status["resourceTemplate"] == "large"


async def test_import_error_unknown_application_template_lists_the_offer(
    stack: Stack,
) -> None:
    stack.apply("Application", "odd", {**APP, "applicationTemplate": "cobol-85"})
    outcome = await stack.settle("Application", "odd")
    assert outcome.kind is OutcomeKind.TERMINAL
    assert "cobol-85" in outcome.message
    assert "python-3.12" in outcome.message


async def test_delete_guards_the_component_while_a_link_uses_it(stack: Stack) -> None:
    await _paas(stack)
    stack.delete("Component", "db")
    outcome = await stack.finish_delete("Component", "db")
    assert outcome.kind is OutcomeKind.WAITING
    assert "ComponentLink/shop-db" in outcome.message
    stack.delete("ComponentLink", "shop-db")
    assert (await stack.finish_delete("ComponentLink", "shop-db")).kind is OutcomeKind.DONE
    for _ in range(3):
        if stack.gone("Component", "db"):
            break
        await stack.finish_delete("Component", "db")
    assert stack.gone("Component", "db")


async def test_connection_details_carry_the_url_and_the_database_credentials(
    stack: Stack, http: OCCIClient
) -> None:
    await _paas(stack)
    app = await http.get(stack.read("Application", "shop").status["location"])
    link = await http.get(stack.read("ComponentLink", "shop-db").status["location"])
    spec_app = ApplicationAdapter().parse_spec(stack.read("Application", "shop").spec)
    spec_link = ComponentLinkAdapter().parse_spec(stack.read("ComponentLink", "shop-db").spec)
    assert ApplicationAdapter().connection_details(app, spec_app)["url"] == (
        app.attributes[v.APP_URL]
    )
    details = ComponentLinkAdapter().connection_details(link, spec_link)
    assert details == {
        "uri": link.attributes[v.DATABASE_URI],
        "username": link.attributes[v.DATABASE_USERNAME],
        "token": link.attributes[v.DATABASE_TOKEN],
    }
    assert v.DATABASE_TOKEN in ComponentLinkAdapter.secret_attributes


async def test_connection_secrets_of_the_application_and_the_database_link(
    stack: Stack, http: OCCIClient
) -> None:
    await _ready(stack, "Component", "db", DB)
    for kind, name, resource in (("Application", "shop", APP), ("ComponentLink", "shop-db", LINK)):
        stack.apply(kind, name, resource, writeConnectionSecretToRef={"name": f"{name}-conn"})
        assert (await stack.settle(kind, name)).kind is OutcomeKind.DONE, kind
    app = stack.kube.secret_values(NAMESPACE, "shop-conn")
    assert app["url"] == stack.read("Application", "shop").status["url"]
    link = stack.kube.secret_values(NAMESPACE, "shop-db-conn")
    remote = await http.get(stack.read("ComponentLink", "shop-db").status["location"])
    assert link["token"] == remote.attributes[v.DATABASE_TOKEN]
    assert link["uri"] == stack.read("ComponentLink", "shop-db").status["databaseUri"]
    assert link["token"] not in json.dumps(stack.read("ComponentLink", "shop-db").status)
