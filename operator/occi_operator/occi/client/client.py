"""The asynchronous OCCI client: one object per endpoint, every verb of GFD.223.

It speaks the endpoint's best rendering (see :mod:`.negotiation`), reads what the
endpoint offers from ``/-/`` (see :mod:`.discovery`), accepts the quirks of rOCCI and
ooi (see :mod:`.locations`), and hands out absolute locations only. Every failure is
an :class:`~..errors.OCCIError`; no httpx exception gets out.

It must not import Kubernetes, kopf or web-server code, keep global state or sleep
other than through its :class:`~.clock.Clock`.
"""

from __future__ import annotations

import asyncio
import logging
from types import TracebackType
from urllib.parse import quote

import httpx

from occi_operator.occi.categories import Kind, Mixin, QueryInterface, split_type_id
from occi_operator.occi.entities import ActionInvocation, Collection, Filter, Link, Resource
from occi_operator.occi.errors import (
    NotAcceptableError,
    ParseError,
    TemplateNotFoundError,
    UnknownCategoryError,
)
from occi_operator.occi.normalize import normalize_collection, normalize_entity
from occi_operator.occi.rendering import Message, Rendering

from .clock import Clock
from .discovery import (
    Contextualization,
    DiscoveryCache,
    TemplateFamily,
    detect_contextualization,
    resolve_template,
)
from .exchange import Answer, Exchange
from .locations import absolute, created_location
from .negotiation import Negotiator, Purpose
from .session import Session
from .settings import EndpointConfig

__all__ = ["OCCIClient"]

logger = logging.getLogger("occi_operator.occi.client")

_QUERY_PATHS = ("-/", "/.well-known/org/ogf/occi/-/")
_NO_QUERY_INTERFACE = frozenset({404, 405, 501})
_NO_PUT = frozenset({405, 501})


class OCCIClient:
    """An OCCI 1.2 client for one endpoint: ``async with OCCIClient(config) as c: ...``."""

    def __init__(
        self,
        config: EndpointConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.config = config
        self._clock = clock or Clock()
        self._session = Session(config, transport=transport, clock=self._clock)
        self._negotiator = Negotiator(config.renderings)
        self._exchange = Exchange(self._session, self._negotiator, now=self._clock.now)
        self._discovery = DiscoveryCache(config.discovery_ttl, clock=self._clock)
        self._discovery_lock = asyncio.Lock()
        self._query_path: str | None = None
        self._put_supported: bool | None = None

    def __repr__(self) -> str:
        return f"OCCIClient(url={self.config.url!r}, auth={self.config.auth.type!r})"

    async def __aenter__(self) -> OCCIClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections of this client."""
        await self._session.aclose()

    # What the client has learnt about the endpoint.

    @property
    def renderings(self) -> tuple[str, ...]:
        """Media types the endpoint has answered in so far, preferred first."""
        return self._negotiator.offered

    @property
    def refused_renderings(self) -> tuple[str, ...]:
        """Media types the endpoint refused with 406 or 415."""
        return self._negotiator.refused

    @property
    def put_supported(self) -> bool | None:
        """Whether PUT replaces entities here; None until tried (rOCCI answers 501)."""
        return self._put_supported

    def absolute(self, location: str) -> str:
        """``location`` as an absolute URL of this endpoint."""
        return absolute(self.config.url, location)

    # Answers.

    def _finish(self, entity: Resource | Link, url: str) -> Resource | Link:
        """Normalise a parsed entity (units, spellings, absolute locations); locate it."""
        entity = normalize_entity(
            entity, base_url=self.config.url, memory_unit=self.config.memory_unit
        )
        return entity if entity.location else entity.model_copy(update={"location": url})

    def _entity_answer(self, answer: Answer, url: str) -> Resource | Link | None:
        """The entity an update answer carries, if it carries one (servers differ)."""
        if answer.status_code == 204:
            return None
        try:
            entity = answer.parse(lambda r, m: r.parse_entity(m))
        except ParseError as exc:
            logger.debug("update answer of %s carries no entity: %s", url, exc)
            return None
        return self._finish(entity, url)

    # Discovery.

    async def discover(self, *, refresh: bool = False) -> QueryInterface:
        """The endpoint's categories from ``/-/`` (or the well-known path), cached."""
        cached = None if refresh else self._discovery.get()
        if cached is not None:
            return cached
        async with self._discovery_lock:
            cached = None if refresh else self._discovery.get()
            if cached is None:
                cached = await self._fetch_query_interface()
                self._discovery.put(cached)
            return cached

    async def _fetch_query_interface(self, only: str | None = None) -> QueryInterface:
        paths = (self._query_path,) if self._query_path else _QUERY_PATHS
        for index, path in enumerate(paths):
            url = self.absolute(path)
            answer = await self._exchange.send(
                "GET", url, purpose=Purpose.QUERY, repeatable=True, only=only
            )
            if answer.status_code in _NO_QUERY_INTERFACE and index + 1 < len(paths):
                continue
            answer.raise_for_status()
            self._query_path = path
            if answer.status_code == 204:
                return QueryInterface()
            return answer.parse(lambda r, m: r.parse_query_interface(m))
        raise AssertionError("unreachable: the last path either answers or raises")

    async def probe_renderings(self) -> tuple[str, ...]:
        """Ask ``/-/`` in every configured rendering; remember and return those answered."""
        for media_type in self._negotiator.candidates(Purpose.QUERY):
            try:
                await self._fetch_query_interface(only=media_type)
            except (NotAcceptableError, ParseError) as exc:
                logger.info("endpoint does not speak %s: %s", media_type, exc)
                if isinstance(exc, ParseError):
                    self._negotiator.refuse(media_type)
        return self._negotiator.offered

    async def resolve_template(self, family: TemplateFamily, name: str) -> Mixin:
        """The OS or resource template mixin named ``name`` (type id, term or title).

        A miss refetches ``/-/`` once, since templates (images) come and go.
        """
        try:
            return resolve_template(await self.discover(), family, name)
        except TemplateNotFoundError as exc:
            if exc.ambiguous:
                raise
        return resolve_template(await self.discover(refresh=True), family, name)

    async def contextualization(self) -> Contextualization | None:
        """The contextualization family the endpoint offers (OCCI 1.2 preferred)."""
        return detect_contextualization(await self.discover())

    async def collection_of(self, kind: str) -> str:
        """The absolute collection URL of a kind, from ``/-/``."""
        category = (await self.discover()).find(kind)
        if not isinstance(category, Kind) or not category.location:
            raise UnknownCategoryError(kind, "the endpoint's query interface")
        return self.absolute(category.location)

    # The verbs.

    async def list_collection(
        self, collection: str, *, where: Filter | None = None, rendering: str | None = None
    ) -> Collection:
        """The members of a collection: full entities if the rendering has them, else locations.

        ``where`` narrows the answer on the server side (GFD.223 filtering). ``rendering``
        is asked first, before the preferred one, when the endpoint has not refused it:
        ``application/occi+json`` collections carry whole entities where the text
        renderings list locations only.
        """
        url = self.absolute(collection)
        build = None
        if where is not None and not where.empty:
            narrowing = where

            def build(rendering: Rendering) -> Message:
                return rendering.render_filter(narrowing)

        answer = await self._exchange.send(
            "GET", url, purpose=Purpose.COLLECTION, repeatable=True, build=build,
            first=rendering,
        )
        answer.raise_for_status()
        if answer.status_code == 204:  # ooi's empty collection
            return Collection()
        parsed = answer.parse(lambda r, m: r.parse_collection(m))
        return normalize_collection(
            parsed, base_url=self.config.url, memory_unit=self.config.memory_unit
        )

    async def get(self, location: str) -> Resource | Link:
        """One entity, its ``location`` set to its absolute URL."""
        url = self.absolute(location)
        answer = await self._exchange.send(
            "GET", url, purpose=Purpose.ENTITY, repeatable=True
        )
        answer.raise_for_status()
        entity = answer.parse(lambda r, m: r.parse_entity(m))
        return self._finish(entity, url)

    async def create(self, entity: Resource | Link, *, collection: str | None = None) -> str:
        """Create an entity and return its absolute location. Never retried.

        ``collection`` defaults to the collection of the entity's kind, from ``/-/``.
        """
        url = self.absolute(collection) if collection else await self.collection_of(entity.kind)
        answer = await self._exchange.send(
            "POST",
            url,
            purpose=Purpose.ENTITY,
            repeatable=False,
            build=lambda rendering: rendering.render_entity(entity),
        )
        answer.raise_for_status()
        location = created_location(answer.response, collection_url=url)
        if location is None:
            raise ParseError(
                f"the create answer of {url} names no new location",
                media_type=answer.response.headers.get("Content-Type", ""),
                expected="a Location or X-OCCI-Location header, or a location in the body",
                received=answer.response.text[:120],
            )
        return location

    async def update(self, location: str, entity: Resource | Link) -> Resource | Link | None:
        """Partial update (POST to the entity): the attributes and mixins given. Never retried.

        Returns the entity the answer carries, or None when it carries none.
        """
        url = self.absolute(location)
        answer = await self._exchange.send(
            "POST",
            url,
            purpose=Purpose.ENTITY,
            repeatable=False,
            build=lambda r: r.render_entity(entity),
        )
        answer.raise_for_status()
        return self._entity_answer(answer, url)

    async def replace(self, location: str, entity: Resource | Link) -> Resource | Link | None:
        """Full replace (PUT); where PUT is refused (405/501) once, POST from then on."""
        url = self.absolute(location)
        if self._put_supported is not False:
            answer = await self._exchange.send(
                "PUT",
                url,
                purpose=Purpose.ENTITY,
                repeatable=True,
                build=lambda r: r.render_entity(entity),
            )
            if answer.status_code not in _NO_PUT:
                answer.raise_for_status()
                self._put_supported = True
                return self._entity_answer(answer, url)
            logger.info("endpoint refuses PUT (%d); using POST", answer.status_code)
            self._put_supported = False
        return await self.update(location, entity)

    async def delete(self, location: str) -> bool:
        """Delete an entity (or a collection's members); False when it was already gone."""
        url = self.absolute(location)
        answer = await self._exchange.send(
            "DELETE", url, purpose=Purpose.ENTITY, repeatable=True
        )
        if answer.status_code == 404:
            return False
        answer.raise_for_status()
        return True

    async def trigger(self, location: str, invocation: ActionInvocation) -> Message:
        """Trigger an action on an entity or on every member of a collection.

        Returns the answer (status 200, 202 or 204), e.g. to read the os_tpl a compute
        ``save`` produced. 409 (rOCCI) and 400 (ooi) mean the state does not allow it.
        """
        try:
            _, term = split_type_id(invocation.action)
        except ValueError:
            raise UnknownCategoryError(invocation.action, "action type identifiers") from None
        base = self.absolute(location)
        url = f"{base}{'&' if '?' in base else '?'}action={quote(term)}"
        answer = await self._exchange.send(
            "POST",
            url,
            purpose=Purpose.ACTION,
            repeatable=True,
            build=lambda r: r.render_action(invocation),
        )
        answer.raise_for_status()
        return answer.message()
