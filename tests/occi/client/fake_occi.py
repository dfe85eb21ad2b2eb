"""A minimal in-memory OCCI server for the client tests, with the quirks of rOCCI and ooi.

Not the project's embedded endpoint (that comes later): just enough of GFD.223 to drive
the client — ``/-/`` and its well-known twin, ``/compute/`` and ``/network/`` collections,
entity GET/POST/PUT/DELETE and actions — rendered with the project's own renderings.
:class:`Quirks` switches on the differences of real servers (occi-notes.md §6).
"""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from occi_operator.occi import vocabulary as v
from occi_operator.occi.categories import Action, Kind, Mixin, QueryInterface
from occi_operator.occi.entities import Collection, Resource
from occi_operator.occi.rendering import Message, base_media_type, rendering_for

HOST = "http://occi.test"
KEYSTONE_URI = "http://keystone.test:5000/v2.0"

LocationStyle = Literal[
    "location", "x-occi-location", "body", "json-array", "json-resources", "json-entity"
]
ErrorForm = Literal["text", "x-occi-error", "rocci-json", "ooi-json", "ooi-nested"]
ContextFamilies = Literal["occi", "openstack", "both", "none"]


@dataclass
class Quirks:
    """How this fake differs from the specification, each switch named after a server."""

    create_status: int = 201  # ooi: 200
    location_style: LocationStyle = "location"
    relative_locations: bool = False
    action_status: int = 200  # ooi: 204
    conflict_status: int = 409  # ooi: 400
    put_status: int | None = None  # rOCCI: 501
    empty_collection_204: bool = False  # ooi
    text_lists_locations_only: bool = True  # rOCCI
    refuse: frozenset[str] = frozenset()  # answered 406 (Accept) / 415 (Content-Type)
    error_form: ErrorForm = "text"
    well_known_only: bool = False
    context: ContextFamilies = "occi"


@dataclass
class KeystoneSetup:
    """Credentials the fake Keystone accepts and the tokens it issued."""

    password: tuple[str, str] | None = None  # (user, password)
    app_credential: tuple[str, str] | None = None  # (id, secret)
    lifetime: float = 3600.0
    now: Callable[[], float] = field(default=lambda: 0.0)
    issued: list[str] = field(default_factory=list)
    revoked: set[str] = field(default_factory=set)


@dataclass
class Seen:
    """One request as the fake received it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


def _catalog(context: ContextFamilies) -> QueryInterface:
    infra = v.INFRA_SCHEME
    start = Action(scheme=v.COMPUTE_ACTION_SCHEME, term="start", title="Start")
    stop = Action(scheme=v.COMPUTE_ACTION_SCHEME, term="stop", title="Stop")
    kinds = (
        Kind(scheme=infra, term="compute", title="Compute", location="/compute/",
             parent=v.RESOURCE_KIND, actions=(start.type_id, stop.type_id)),
        Kind(scheme=infra, term="network", title="Network", location="/network/",
             parent=v.RESOURCE_KIND),
    )
    os_tpl = Mixin(scheme=infra, term="os_tpl", title="OS template", location="/os_tpl/")
    res_tpl = Mixin(scheme=infra, term="resource_tpl", title="Resource template",
                    location="/resource_tpl/")
    mixins = [
        os_tpl,
        res_tpl,
        Mixin(scheme="http://rocci.test/occi/infrastructure/os_tpl#", term="uuid_debian_12",
              title="Debian 12", depends=(os_tpl.type_id,), location="/mixin/os_tpl/deb/"),
        Mixin(scheme=v.OPENSTACK_BASE + "template/os#", term="7c1e-ubuntu",
              title="Ubuntu 24.04", location="/os_tpl/7c1e/"),
        Mixin(scheme=v.OPENSTACK_BASE + "template/os#", term="b2f0-ubuntu",
              title="ubuntu 24.04", location="/os_tpl/b2f0/"),
        Mixin(scheme=v.OPENSTACK_BASE + "template/os#", term="same-a",
              title="Twin", location="/os_tpl/a/"),
        Mixin(scheme=v.OPENSTACK_BASE + "template/os#", term="same-b",
              title="Twin", location="/os_tpl/b/"),
        Mixin(scheme=v.OPENSTACK_BASE + "template/resource#", term="m1.small",
              title="Flavor: m1.small", location="/resource_tpl/small/"),
        Mixin(scheme="http://rocci.test/occi/infrastructure/resource_tpl#", term="large",
              title="Large", depends=(res_tpl.type_id,), location="/mixin/resource_tpl/large/"),
    ]
    if context in ("occi", "both"):
        mixins += [
            Mixin(scheme=v.COMPUTE_MIXIN_SCHEME, term="user_data", location="/user_data/"),
            Mixin(scheme=v.CREDENTIALS_SCHEME, term="ssh_key", location="/ssh_key/"),
        ]
    if context in ("openstack", "both"):
        mixins += [
            Mixin(scheme=v.OPENSTACK_INSTANCE_SCHEME, term="user_data", location="/ud/"),
            Mixin(scheme=v.OPENSTACK_CREDENTIALS_SCHEME, term="public_key", location="/pk/"),
        ]
    return QueryInterface(kinds=kinds, mixins=tuple(mixins), actions=(start, stop))


class FakeOCCI:
    """The fake server: state in memory, every request recorded in :attr:`seen`."""

    def __init__(
        self,
        quirks: Quirks | None = None,
        *,
        basic: tuple[str, str] | None = None,
        bearer: str | None = None,
        keystone: KeystoneSetup | None = None,
    ) -> None:
        self.quirks = quirks or Quirks()
        self.basic = basic
        self.bearer = bearer
        self.keystone = keystone
        self.catalog = _catalog(self.quirks.context)
        self.entities: dict[str, Resource] = {}
        self.seen: list[Seen] = []
        #: Answers served before any real handling: (status, headers), for retry tests.
        self.faults: list[tuple[int, dict[str, str]]] = []
        self._ids = itertools.count(1)
        self.app = Starlette(routes=[Route("/{path:path}", self._handle, methods=[
            "GET", "POST", "PUT", "DELETE"])])

    # Helpers.

    def _url(self, path: str) -> str:
        return path if self.quirks.relative_locations else HOST + path

    def error(self, status: int, text: str) -> Response:
        """An error answer in the configured server's form."""
        form = self.quirks.error_form
        if form == "x-occi-error":
            return Response("", status, headers={"X-OCCI-Error": text})
        if form == "rocci-json":
            body = {"status": status, "error": text}
        elif form == "ooi-json":
            body = {"code": status, "message": text}
        elif form == "ooi-nested":
            body = {"conflictingRequest": {"code": status, "message": text}}
        else:
            return Response(text, status, media_type="text/plain")
        return Response(json.dumps(body), status, media_type="application/json")

    def _render(self, message: Message, status: int = 200) -> Response:
        response = Response(message.body, status, media_type=message.content_type)
        for name, value in message.headers:
            response.raw_headers.append((name.lower().encode(), value.encode()))
        return response

    def _authorized(self, request: Request) -> Response | None:
        headers = request.headers
        if self.basic is not None:
            wanted = base64.b64encode(":".join(self.basic).encode()).decode()
            if headers.get("authorization") != f"Basic {wanted}":
                return Response("bad credentials", 401,
                                headers={"WWW-Authenticate": 'Basic realm="occi"'})
        if self.bearer is not None and headers.get("authorization") != f"Bearer {self.bearer}":
            return Response("bad token", 401, headers={"WWW-Authenticate": "Bearer"})
        if self.keystone is not None:
            token = headers.get("x-auth-token")
            if token not in self.keystone.issued or token in self.keystone.revoked:
                return Response("Authentication required", 401, headers={
                    "WWW-Authenticate": f"Keystone uri='{KEYSTONE_URI}'"})
        return None

    def _issue_token(self, body: bytes) -> Response:
        assert self.keystone is not None
        identity = json.loads(body)["auth"]["identity"]
        if "password" in identity["methods"]:
            user = identity["password"]["user"]
            ok = (user["name"], user["password"]) == self.keystone.password
        else:
            cred = identity["application_credential"]
            ok = (cred["id"], cred["secret"]) == self.keystone.app_credential
        if not ok:
            return Response(json.dumps({"error": {"code": 401, "message": "The request you "
                            "have made requires authentication."}}), 401,
                            media_type="application/json")
        token = f"token-{len(self.keystone.issued) + 1}"
        self.keystone.issued.append(token)
        expires = datetime.fromtimestamp(self.keystone.now() + self.keystone.lifetime, UTC)
        document = {"token": {"expires_at": expires.strftime("%Y-%m-%dT%H:%M:%S.000000Z")}}
        return Response(json.dumps(document), 201, media_type="application/json",
                        headers={"X-Subject-Token": token})

    # Dispatch.

    async def _handle(self, request: Request) -> Response:
        body = await request.body()
        path = request.url.path
        self.seen.append(Seen(request.method, path, request.url.query,
                              dict(request.headers), body))
        if self.faults:
            status, headers = self.faults.pop(0)
            return Response("try again later", status, headers=headers)
        if path == "/v3/auth/tokens" and self.keystone is not None:
            return self._issue_token(body)
        denied = self._authorized(request)
        if denied is not None:
            return denied
        accept = base_media_type(request.headers.get("accept", "text/plain"))
        if accept in self.quirks.refuse:
            return self.error(406, f"cannot render {accept}")
        content_type = base_media_type(request.headers.get("content-type", accept))
        if body and content_type in self.quirks.refuse:
            return self.error(415, f"cannot read {content_type}")
        incoming = Message.from_pairs(content_type, body, request.headers.items())
        if path in ("/-/", "/.well-known/org/ogf/occi/-/"):
            if path == "/-/" and self.quirks.well_known_only:
                return self.error(404, "no such path")
            return self._render(rendering_for(accept).render_query_interface(self.catalog))
        action = request.query_params.get("action")
        if action is not None:
            return self._action(path, action, incoming)
        if path in ("/compute/", "/network/"):
            if request.method == "POST":
                return self._create(path, incoming)
            return self._list(path, accept)
        return self._entity(request.method, path, accept, incoming)

    def _list(self, path: str, accept: str) -> Response:
        members = [(p, e) for p, e in self.entities.items() if p.startswith(path)]
        if not members and self.quirks.empty_collection_204:
            return Response(status_code=204)
        text = accept in ("text/plain", "text/occi", "text/uri-list")
        if (text and self.quirks.text_lists_locations_only) or accept == "text/uri-list":
            collection = Collection(locations=tuple(self._url(p) for p, _ in members))
        else:
            collection = Collection(resources=tuple(e for _, e in members))
        return self._render(rendering_for(accept).render_collection(collection))

    def _create(self, path: str, incoming: Message) -> Response:
        entity = rendering_for(incoming.content_type).parse_entity(incoming)
        new_id = f"{path.strip('/')}-{next(self._ids)}"
        location = f"{path}{new_id}"
        attributes = {**entity.attributes, "occi.compute.state": "inactive"}
        self.entities[location] = Resource.model_validate(
            {**entity.model_dump(exclude={"location"}), "id": new_id,
             "attributes": attributes})
        return self._created(location, new_id, entity.kind)

    def _created(self, location: str, new_id: str, kind: str) -> Response:
        status, url, style = self.quirks.create_status, self._url(location), \
            self.quirks.location_style
        if style == "location":
            return Response("OK", status, headers={"Location": url}, media_type="text/plain")
        if style == "x-occi-location":
            return Response("OK", status, headers={"X-OCCI-Location": url},
                            media_type="text/occi")
        if style == "body":
            return Response(f"X-OCCI-Location: {url}\n", status, media_type="text/plain")
        document: Any = [url] if style == "json-array" else {"resources": [url]}
        if style == "json-entity":
            document = {"resources": [{"kind": kind, "id": new_id}]}
        return Response(json.dumps(document), status, media_type="application/json")

    def _action(self, path: str, term: str, incoming: Message) -> Response:
        invocation = rendering_for(incoming.content_type).parse_action(incoming)
        assert invocation.action.endswith("#" + term)
        targets = [e for p, e in self.entities.items() if p == path or
                   (path.endswith("/") and p.startswith(path))]
        if not targets:
            return self.error(404, f"{path} not found")
        wanted = {"start": ("inactive", "active"), "stop": ("active", "inactive")}
        before, after = wanted[term]
        for entity in targets:
            if entity.attributes.get("occi.compute.state") != before:
                return self.error(self.quirks.conflict_status,
                                  f"action {term} is not allowed in this state")
        for entity in targets:
            entity.attributes["occi.compute.state"] = after
        return Response(b"" if self.quirks.action_status == 204 else b"OK",
                        self.quirks.action_status, media_type="text/plain")

    def _entity(self, method: str, path: str, accept: str, incoming: Message) -> Response:
        entity = self.entities.get(path)
        if entity is None:
            return self.error(404, f"{path} not found")
        rendering = rendering_for(accept)
        if method == "DELETE":
            del self.entities[path]
            return Response("OK", 200, media_type="text/plain")
        if method == "GET":
            return self._render(rendering.render_entity(entity))
        if method == "PUT" and self.quirks.put_status is not None:
            return self.error(self.quirks.put_status, "PUT is not implemented")
        sent = rendering_for(incoming.content_type).parse_entity(incoming)
        attributes = sent.attributes if method == "PUT" else {**entity.attributes,
                                                               **sent.attributes}
        mixins = sent.mixins if method == "PUT" else tuple(dict.fromkeys(
            (*entity.mixins, *sent.mixins)))
        updated = entity.model_copy(update={"attributes": attributes, "mixins": mixins,
                                            "title": sent.title or entity.title})
        self.entities[path] = updated
        return self._render(rendering.render_entity(updated))
