"""Synonym groups as editors enter them under 搜索同义词.

``SynonymFactory(words="社保、社会保险")``: an active two-way group (``one_way=True``, a field:
the first word is expanded to the others only); trait ``inactive=True``.
"""

from __future__ import annotations

import factory

from sitesearch.models import Synonym


class SynonymFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Synonym

    words = "社保、社会保险"

    class Params:
        inactive = factory.Trait(is_active=False)
