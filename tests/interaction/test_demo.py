"""The demo: about a dozen items in every state, lights of every colour, published answers with the
names masked, items from 12345, the README's item, and a second run that changes nothing."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils.module_loading import autodiscover_modules

from core import demo
from interaction import demo as interaction_demo
from interaction.models import Interaction, InteractionStep, State
from interaction.pages import InteractionIndexPage
from interaction.public_views import find_item

pytestmark = pytest.mark.django_db


def load(context: demo.DemoContext) -> dict:
    made = {}
    for loader in demo.loaders():
        if loader.name in ("permissions", "matters", "interaction"):
            made[loader.name] = loader.load(context)
    return made


@pytest.fixture
def demo_items():
    autodiscover_modules("demo")
    context = demo.DemoContext()
    made = load(context)
    return context, made


def test_the_demo_has_a_dozen_in_every_state_and_every_light(demo_items, client):
    context, made = demo_items
    states = Counter(Interaction.objects.values_list("state", flat=True))
    assert set(states) == set(State.values) and min(states.values()) >= 12
    lights = Counter(Interaction.objects.filter(state__in=State.values).values_list("light", flat=True))
    assert lights["green"] and lights["yellow"] and lights["red"]
    kinds = Counter(Interaction.objects.values_list("kind", flat=True))
    assert kinds["consultation"] >= 12 and kinds["complaint"] >= 12
    published = Interaction.public_queryset()
    assert published.count() == made["interaction"]["问答公开"] > 5
    assert not Interaction.objects.filter(published=True, consent=False).exists()
    assert Interaction.objects.exclude(hotline_ticket="").count() == 8
    assert Interaction.objects.filter(state=State.TRANSFERRED, transfers=1).count() == 12
    # every item's history starts with its submission and its revision counts its steps
    for item in Interaction.objects.all():
        steps = list(item.steps.all())
        assert steps[0].action == "submit_new" and item.revision == len(steps) - 1 and steps[-1].to_state == item.state
    # the README's item is found with its phone number and shows its reply
    fixed = Interaction.objects.get(lookup_code=interaction_demo.DEMO_LOOKUP_CODE)
    assert find_item(fixed.number, phone=interaction_demo.DEMO_PHONE) == fixed and fixed.state == State.ANSWERED
    assert any(interaction_demo.DEMO_LOOKUP_CODE in note for note in context.notes)
    # the public Q&A of the demo: masked names, no phone numbers
    page = InteractionIndexPage.objects.get()
    html = client.get(page.url).content.decode()
    assert fixed.subject in html and fixed.masked_name in html and fixed.name not in html
    assert interaction_demo.DEMO_PHONE not in html

    def counts():
        return Interaction.objects.count(), InteractionStep.objects.count(), InteractionIndexPage.objects.count()

    before = counts()
    again = load(demo.DemoContext(departments=context.departments, admin=context.admin))
    assert again["interaction"] == {"咨询投诉建议": before[0]}
    assert counts() == before
