"""Model fields of the shared kernel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models

from jaring.core import clock


class MomentField(models.DateTimeField):
    """A date and time whose `auto_now` / `auto_now_add` come from `jaring.core.clock`, like every other "now"
    of the code: a test or the demo that says which day it is gets rows made on that day."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        if self.auto_now or (self.auto_now_add and add):
            value: datetime = clock.now()
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)
