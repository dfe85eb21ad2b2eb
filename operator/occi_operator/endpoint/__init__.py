"""The embedded OCCI 1.2 endpoint: occi + starlette + sqlite. Never imports the reconciler."""
