"""The generic reconciler, its adapters (one per kind) and the kopf wiring.

Modules, in the order a pass uses them:

* :mod:`.contract` — what an adapter gives (field table, ``desired``, ``observe``, steps);
  :mod:`.adapters` — one per kind, mostly a table;
* :mod:`.flow` — one pass over one object (find, create, correct, act);
  :mod:`.lookup` — import by location or filter, adoption by marker;
  :mod:`.teardown` — the deletion pass; :mod:`.drift` — spec against remote, generically;
  :mod:`.resolution` — references, templates and Secret values for ``desired``;
* :mod:`.dependencies` — waiting for references, deletion guards, our finalizer;
* :mod:`.endpoints` — one shared OCCI client per endpoint object, credentials from Secrets;
  :mod:`.probe` — the endpoint objects' own status;
* :mod:`.outcome` — a pass as a value, mapped to conditions and requeues (only there);
  :mod:`.failures` — errors grouped by what the user must do;
  :mod:`.status` — the status writer (writes nothing when nothing changed);
* :mod:`.resync` — periods, jitter, last syncs; :mod:`.runtime` — assembly from settings;
* :mod:`.kube` — the Kubernetes calls; :mod:`.settings` — the process settings;
* :mod:`.handlers` — the only module importing kopf.

Extension points for the hard guarantees (issue 5): ``status.createPending`` plus the
marker in ``occi.core.summary`` (a link's title) and :meth:`.lookup.Lookup.by_marker` are
the crash-safe create; :mod:`.lookup` holds import and adoption; :func:`.drift.find_drift`
and :meth:`.flow.Reconciler.reconcile` the drift correction; :class:`.resync.SyncMemory`
and :meth:`.runtime.Runtime.resync_due` the schedule, which a per-endpoint collection
poller can feed (one collection GET serving every object) by marking objects read.

Layers: imports :mod:`occi_operator.occi` and :mod:`occi_operator.api`, never the
embedded endpoint. Only :mod:`.handlers` imports kopf; only :mod:`.kube` and
:mod:`.handlers` talk to Kubernetes through the ``kubernetes`` client.
"""
