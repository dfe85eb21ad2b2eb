"""A genuine Kubernetes API server for custom resources, for the end-to-end tests and the demo.

``build`` makes the binaries (from Debian sid, cached outside the checkout), ``pki`` the
certificates, ``front`` the small ASGI front that adds core/v1 and discovery, and
``cluster`` runs etcd, the API server and the front together. The package imports no
other operator code.
"""
