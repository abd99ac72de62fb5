"""Admin of the search synonyms (搜索同义词): kept by the disclosure office and the system administrator."""

from __future__ import annotations

from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, UpdatedAtColumn
from wagtail.snippets.views.snippets import SnippetViewSet

from core.admin_errors import CheckedSnippetChooserViewSet
from core.forms import HistoryReasonForm
from core.history import SimpleHistoryViewSetMixin

from .models import Synonym


class SynonymForm(HistoryReasonForm):
    default_reason_on_create = "新增搜索同义词"


class SynonymViewSet(SimpleHistoryViewSetMixin, SnippetViewSet):
    model = Synonym
    chooser_viewset_class = CheckedSnippetChooserViewSet
    icon = "search"
    menu_label = "搜索同义词"
    menu_name = "search-synonyms"
    menu_order = 870
    add_to_admin_menu = True
    list_display = [
        Column("__str__", label="同义词"),
        BooleanColumn("one_way", label="单向"),
        BooleanColumn("is_active", label="启用"),
        "note",
        UpdatedAtColumn(),
    ]
    list_filter = ["is_active", "one_way"]
    search_fields = ["words", "note"]
    search_backend_name = None  # plain icontains: the synonyms themselves are short Chinese words
    ordering = ["words"]
    edit_handler = ObjectList(
        [
            FieldPanel("words"),
            FieldPanel("one_way"),
            FieldPanel("is_active"),
            FieldPanel("note"),
            FieldPanel("change_reason"),
        ],
        base_form_class=SynonymForm,
    )
