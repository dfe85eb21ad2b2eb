"""The embedded OCCI 1.2 endpoint as an ASGI application: :func:`create_app`.

The application is built from :class:`~.settings.EndpointSettings` alone; nothing is read
from the environment here, and uvicorn is started only by the CLI
(``occi-operator endpoint serve``). Its lifespan opens the :class:`~.store.Store` at
``settings.database_path`` (creating the directory), loads the template catalog and builds
the :class:`~.service.Infrastructure`; ``app.state`` then holds ``settings``, ``store``,
``catalog``, ``infrastructure`` and the :class:`~.http_dispatch.Runtime` the requests use.
The store is closed when the lifespan ends. Every acknowledged write is committed before
its answer leaves (see :mod:`.store`), so a killed server loses nothing it acknowledged.

A test that talks to the app in-process (``httpx.ASGITransport``, which sends no lifespan
events) runs the lifespan itself::

    app = create_app(settings)
    async with app.router.lifespan_context(app):
        ...

Must not import the reconciler, kopf or Kubernetes (see the import-linter contracts).
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from starlette.applications import Starlette
from starlette.routing import Route

from .auth import Authenticator
from .catalog import Catalog, load_catalog
from .http_dispatch import Dispatcher, Runtime
from .service import Infrastructure, utc_now
from .settings import EndpointSettings
from .store import Store

__all__ = ["create_app"]


def create_app(
    settings: EndpointSettings,
    *,
    catalog: Catalog | None = None,
    clock: Callable[[], datetime] | None = None,
    rng: random.Random | None = None,
) -> Starlette:
    """The endpoint application for ``settings``.

    ``catalog`` replaces loading ``settings.catalog`` (the CLI loads it first, to fail
    before listening); ``clock`` and ``rng`` make the simulation deterministic in tests.
    """

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        templates = catalog if catalog is not None else load_catalog(settings.catalog)
        path = settings.database_path
        path.parent.mkdir(parents=True, exist_ok=True)
        store = Store.open(path, synchronous=settings.sqlite_synchronous)
        try:
            infrastructure = Infrastructure(
                store, catalog=templates, settings=settings, clock=clock or utc_now, rng=rng
            )
            app.state.settings = settings
            app.state.store = store
            app.state.catalog = templates
            app.state.infrastructure = infrastructure
            app.state.runtime = Runtime(
                settings=settings,
                infrastructure=infrastructure,
                authenticator=Authenticator(settings.auth),
            )
            yield
        finally:
            app.state.runtime = None
            store.close()

    return Starlette(routes=[Route("/{path:path}", Dispatcher())], lifespan=lifespan)
