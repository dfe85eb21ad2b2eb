"""The emulated API tier: a small in-memory Kubernetes API for machines where the real
testbed cannot be built (``OCCI_TESTBED=emulated``).

It is not a Kubernetes server. It gives what a kopf operator and its tests rely on:
resourceVersion, uid, generation, 201 on create, PUT with optimistic concurrency (409),
merge and JSON patches (a failed ``test`` is 422), the status subresource, schema
defaults, finalizer rules, watches from a resourceVersion with bookmarks, timeouts and
410 Gone, label and field selectors, CRD registration into discovery, and core/v1
namespaces, secrets, events and config maps. It does no schema validation, pruning or CEL;
the real tier is the reference. This package imports no operator code.
"""
