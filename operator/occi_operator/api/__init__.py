"""The operator's Kubernetes API, declared once as pydantic models.

Everything else (the CRD YAML in ``crds/``, schema validation, the API reference in
``docs/``) is generated from these models. Imports the OCCI package at most; never kopf,
kubernetes, starlette or the reconciler.
"""
