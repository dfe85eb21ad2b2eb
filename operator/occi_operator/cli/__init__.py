"""The ``occi-operator`` command line: one module per command, each a thin shell."""
