"""`models` as app code sees it: `models.IntegerField(...)`, `models.Link(...)`, ..."""

from otree.db.fields import (  # noqa: F401
    BooleanField,
    CharField,
    CurrencyField,
    DecimalField,
    Field,
    FloatField,
    IntegerField,
    Link,
    LongStringField,
    MultiStringField,
    PositiveIntegerField,
    RealWorldCurrencyField,
    StringField,
    TextField,
)
from otree.db.models import BaseGroup, BasePlayer, BaseSubsession, ExtraModel  # noqa: F401
from otree.db.core import Participant, Session  # noqa: F401,E402  (oTree 3/5: from otree.models import Participant)
