"""Staff names in Chinese order (姓名, no space) wherever Wagtail names a user, and avatars that
render without any request to another server (issue 18)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.admin.utils import get_user_display_name

from accounts.names import avatar_url, full_name

from ..helpers import matter_form_data
from ..helpers import matter_url as url
from ..permissions.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_full_name_is_family_then_given_without_a_space(world):
    owner = world.users["owner"]
    owner.first_name, owner.last_name = "敏", "张"
    assert owner.get_full_name() == "张敏"
    assert owner.get_short_name() == "张敏"  # "张敏，您好" in Wagtail's e-mails, not "敏"
    assert get_user_display_name(owner) == "张敏"
    owner.first_name, owner.last_name = "Anna", "Smith"
    assert full_name(owner) == "Anna Smith"
    owner.first_name, owner.last_name = "部门业务系统", ""
    assert owner.get_full_name() == "部门业务系统"
    owner.first_name = ""
    assert get_user_display_name(owner) == owner.username


def test_history_names_the_editor_in_chinese_order(client, world):
    matter, owner = world.matters["own"], world.users["owner"]
    owner.first_name, owner.last_name = "敏", "张"
    owner.save()
    client.force_login(owner)
    client.post(url("edit", matter.pk), matter_form_data(matter, name="新名称"))
    html = client.get(url("history", matter.pk)).content.decode()
    assert "张敏" in html and "敏 张" not in html


def test_avatars_are_drawn_inline_with_the_family_name(client, world):
    user = UserFactory(username="zhangmin", first_name="敏", last_name="张", system_administrator=True)
    src = avatar_url(user)
    assert src.startswith("data:image/svg+xml") and "张" in unquote(src)
    client.force_login(user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    sources = [img["src"] for img in BeautifulSoup(html, "html.parser").select(".avatar img")]
    assert sources and all(s.startswith("data:image/svg+xml") for s in sources)
    assert "gravatar" not in html
    # The users listing shows each user's own.
    listing = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert "张敏" in listing


def test_an_uploaded_avatar_wins(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.users.models import UserProfile

    settings.MEDIA_ROOT = tmp_path
    owner = world.users["owner"]
    profile = UserProfile.get_for_user(owner)
    profile.avatar = SimpleUploadedFile("me.png", b"\x89PNG\r\n\x1a\n")
    profile.save()
    owner.refresh_from_db()
    assert avatar_url(owner) is None  # Wagtail then serves the uploaded file
