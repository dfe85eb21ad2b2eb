"""API version ``v1alpha1`` of the ``occi.occi-operator.dev`` group."""

GROUP = "occi.occi-operator.dev"
VERSION = "v1alpha1"
API_VERSION = f"{GROUP}/{VERSION}"
