"""What the OCCI Platform kinds share: the desired run state and template names.

An Application and a Component are started and stopped by the platform actions (after
KubeVirt's ``runStrategy``, as Compute's ``powerState``): ``runState`` is the state the
operator drives them to; the adapters map it onto ``start`` and ``stop``. Templates
(``app_tpl`` and ``res_tpl`` mixins) are named by term or title and resolved through the
endpoint's ``/-/``, never built from a name.
"""

from __future__ import annotations

import enum
from typing import Annotated

from pydantic import Field

__all__ = ["TEMPLATE_NAME", "RunState", "TemplateName"]

#: A template's term or title: no leading, trailing or doubled blanks.
TEMPLATE_NAME = r"^[^\s]+( [^\s]+)*$"
TemplateName = Annotated[str, Field(min_length=1, max_length=255, pattern=TEMPLATE_NAME)]


class RunState(enum.StrEnum):
    """The desired state of an application or a component."""

    RUNNING = "Running"
    STOPPED = "Stopped"
