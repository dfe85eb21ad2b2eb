"""occi-operator: manage OCCI 1.2 infrastructure from Kubernetes.

The package root carries only the version; see the sub-packages for the parts.
"""

__version__ = "0.1.0"
